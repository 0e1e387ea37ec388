/**
 * The `Caller` a validated X-Auth-Token stands for: what keystonemiddleware's headers and
 * Keystone's `RequestContext` give policy (keystone/server/flask/request_processing/middleware/
 * auth_context.py). `is_admin_project` follows keystoneauth: true unless the token says false,
 * and false for every domain-scoped token.
 * @module
 */
import type { Caller } from '../caller.ts'
import { isAdminProject } from './render_token.ts'
import { auditIdsOf, type TokenModel } from './token_model.ts'
import type { TokenSettings } from './token_settings.ts'
import { keystoneTime } from './token_time.ts'

export type AdminProjectSettings = Pick<TokenSettings, 'adminProject'>

/** Built anew per call; the server composes a per-model memo (cache/rendered_bodies.ts). */
export function callerOf(model: TokenModel, settings: AdminProjectSettings): Caller {
  const { scope } = model
  const adminProject = isAdminProject(model, settings.adminProject)
  return {
    userId: model.user.id,
    userDomainId: model.userDomain.id,
    roles: model.roles.map((role) => role.name.toLowerCase()),
    roleIds: model.roles.map((role) => role.id),
    ...(scope.kind === 'project'
      ? { projectId: scope.project.id, projectDomainId: scope.projectDomain.id }
      : {}),
    ...(scope.kind === 'domain' ? { domainId: scope.domain.id } : {}),
    ...(scope.kind === 'system' ? { system: 'all' as const } : {}),
    isAdminProject: scope.kind === 'domain' ? false : (adminProject ?? true),
    methods: model.methods,
    auditIds: auditIdsOf(model),
    ...(model.applicationCredential === null
      ? {}
      : { applicationCredentialId: model.applicationCredential.id }),
    expiresAt: keystoneTime(model.expiresAt),
  }
}
