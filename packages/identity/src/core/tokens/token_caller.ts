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

type AdminProjectSettings = Pick<TokenSettings, 'adminProject'>

/**
 * One Caller per model object and settings: the validation cache hands out the same model for
 * every request with the same token, so the Caller and the policy credentials built from it
 * (cached per Caller) are built once rather than per request.
 */
const callers = new WeakMap<TokenModel, { settings: AdminProjectSettings; caller: Caller }>()

export function callerOf(model: TokenModel, settings: AdminProjectSettings): Caller {
  const known = callers.get(model)
  if (known !== undefined && known.settings === settings) return known.caller
  const caller = buildCaller(model, settings)
  callers.set(model, { settings, caller })
  return caller
}

function buildCaller(model: TokenModel, settings: AdminProjectSettings): Caller {
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
    expiresAt: model.expiresAt,
  }
}
