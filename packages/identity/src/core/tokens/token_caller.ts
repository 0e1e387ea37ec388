/**
 * The `Caller` a validated X-Auth-Token stands for: what keystonemiddleware's headers and
 * Keystone's `RequestContext` give policy (keystone/server/flask/request_processing/middleware/
 * auth_context.py). `is_admin_project` follows keystoneauth: true unless the token says false,
 * and false for every domain-scoped token.
 * @module
 */
import type { Caller, CallerScope } from '../caller.ts'
import { isAdminProject } from './render_token.ts'
import { auditIdsOf, presentedUser, type ResolvedScope, type TokenModel } from './token_model.ts'
import type { TokenSettings } from './token_settings.ts'
import { keystoneTime } from './token_time.ts'

export type AdminProjectSettings = Pick<TokenSettings, 'adminProject'>

/** Built anew per call; the server composes a per-model memo (cache/rendered_bodies.ts). */
export function callerOf(model: TokenModel, settings: AdminProjectSettings): Caller {
  const { scope } = model
  const adminProject = isAdminProject(model, settings.adminProject)
  // keystonemiddleware reads the rendered body: an impersonating trust's token is the trustor's
  const { user, domain } = presentedUser(model)
  return {
    userId: user.id,
    userDomainId: domain.id,
    roles: model.roles.map((role) => role.name.toLowerCase()),
    roleIds: model.roles.map((role) => role.id),
    scope: callerScopeOf(model.scope),
    isAdminProject: scope.kind === 'domain' ? false : (adminProject ?? true),
    methods: model.methods,
    auditIds: auditIdsOf(model),
    ...(model.applicationCredential === null
      ? {}
      : { applicationCredentialId: model.applicationCredential.id }),
    expiresAt: keystoneTime(model.expiresAt),
  }
}

/** The ids of the token's scope (no entities), a project's domain included. */
function callerScopeOf(scope: ResolvedScope): CallerScope {
  switch (scope.kind) {
    case 'project':
      return {
        kind: 'project',
        projectId: scope.projectId,
        projectDomainId: scope.projectDomain.id,
      }
    case 'domain':
      return { kind: 'domain', domainId: scope.domainId }
    case 'trust':
      return {
        kind: 'trust',
        trustId: scope.trustId,
        projectId: scope.projectId,
        projectDomainId: scope.projectDomain.id,
      }
    case 'delegation':
      return {
        kind: 'delegation',
        delegationId: scope.delegationId,
        projectId: scope.projectId,
        projectDomainId: scope.projectDomain.id,
      }
    case 'system':
    case 'unscoped':
      return scope
  }
}
