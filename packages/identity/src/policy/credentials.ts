/**
 * The credentials dict oslo.policy checks against, built from a Caller the way Keystone builds it:
 * oslo.context's `to_policy_values()` (user_id, user_domain_id, system_scope, domain_id,
 * project_id, project_domain_id, roles, is_admin_project, service_*), Keystone's additions
 * (`token`: the rendered token body, which `token.domain.id:...` checks read; `domain_id` as None
 * unless domain-scoped) and oslo's `system` alias of `system_scope`. Built once per Caller.
 * @module
 */
import type { Caller } from '../core/caller.ts'

export type ScopeType = 'system' | 'domain' | 'project'

export interface Credentials {
  /** The creds mapping (null-prototype; `null` stands for Python None). */
  readonly values: Readonly<Record<string, unknown>>
  /** Role names lower-cased once, for `role:` checks (oslo compares case-insensitively). */
  readonly lowerRoles: ReadonlySet<string>
  /** oslo `_enforce_scope`: system if `system`, domain if `domain_id`, else project (unscoped too). */
  readonly scope: ScopeType
}

const cache = new WeakMap<Caller, Credentials>()

export function credentialsFor(caller: Caller): Credentials {
  let creds = cache.get(caller)
  if (creds === undefined) {
    creds = buildCredentials(caller)
    cache.set(caller, creds)
  }
  return creds
}

function buildCredentials(caller: Caller): Credentials {
  const { scope } = caller
  const system = scope.kind === 'system' ? scope.system : null
  const domainId = scope.kind === 'domain' ? scope.domainId || null : null
  // a trust-scoped token acts on its trust's project (keystone: the token's project_id)
  const project =
    scope.kind === 'project' || scope.kind === 'trust' || scope.kind === 'delegation' ? scope : null
  const values: Record<string, unknown> = Object.create(null)
  Object.assign(values, {
    user_id: caller.userId,
    user_domain_id: caller.userDomainId,
    system_scope: system,
    domain_id: domainId,
    project_id: project?.projectId ?? null,
    project_domain_id: project?.projectDomainId ?? null,
    roles: [...caller.roles],
    // AuthContextMiddleware: domain-scoped tokens never count as the admin project
    is_admin_project: domainId ? false : caller.isAdminProject,
    // Baton's callers carry no X-Service-Token: these stay empty as in a plain user request
    service_user_id: null,
    service_user_domain_id: null,
    service_project_id: null,
    service_project_domain_id: null,
    service_roles: [],
    token: tokenReference(caller),
  })
  if (system) values.system = system
  return {
    values,
    lowerRoles: new Set(caller.roles.map((r) => r.toLowerCase())),
    scope: system ? 'system' : domainId ? 'domain' : 'project',
  }
}

/**
 * keystone.common.render_token.render_token_response_from_model()['token'] as far as a Caller
 * knows it: ids only (user, domain and project names are not part of a Caller) and no catalog.
 */
function tokenReference(caller: Caller): Record<string, unknown> {
  const token: Record<string, unknown> = {
    methods: [...caller.methods],
    user: { domain: { id: caller.userDomainId }, id: caller.userId },
    audit_ids: [...caller.auditIds],
    expires_at: caller.expiresAt,
  }
  const roles = caller.roles.map((name, i) => {
    const id = caller.roleIds[i]
    return id === undefined ? { name } : { id, name }
  })
  const { scope } = caller
  if (scope.kind === 'system') {
    token.roles = roles
    token.system = { all: true }
  } else if (scope.kind === 'domain' && scope.domainId) {
    token.domain = { id: scope.domainId }
    token.roles = roles
  } else if (scope.kind === 'project' && scope.projectId) {
    token.project = { domain: { id: scope.projectDomainId }, id: scope.projectId }
    token.is_domain = false
    token.roles = roles
  } else if (scope.kind === 'delegation') {
    token['OS-BATON:delegation'] = { id: scope.delegationId }
    token.project = { domain: { id: scope.projectDomainId }, id: scope.projectId }
    token.is_domain = false
    token.roles = roles
  } else if (scope.kind === 'trust') {
    token['OS-TRUST:trust'] = { id: scope.trustId }
    token.project = { domain: { id: scope.projectDomainId }, id: scope.projectId }
    token.roles = roles
  }
  if (caller.applicationCredentialId) {
    token.application_credential = { id: caller.applicationCredentialId }
  }
  return token
}
