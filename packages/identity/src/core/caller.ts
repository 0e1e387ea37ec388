/**
 * Who is calling: the validated `X-Auth-Token` of a request, reduced to what policy checks and
 * handlers need (oslo.context's credentials, Keystone's `RequestContext`).
 * @module
 */

export type Caller = {
  readonly userId: string
  readonly userDomainId: string
  /** Role names (effective: implied roles included), lower-case as stored. */
  readonly roles: readonly string[]
  readonly roleIds: readonly string[]
  /** Exactly one of project / domain / system scope is set, or none for unscoped tokens. */
  readonly projectId?: string
  readonly projectDomainId?: string
  readonly domainId?: string
  readonly system?: 'all'
  /** The project is `[resource] admin_project_name` in `admin_project_domain_name` (or none is configured). */
  readonly isAdminProject: boolean
  readonly methods: readonly string[]
  readonly auditIds: readonly string[]
  readonly applicationCredentialId?: string
  /** Keystone time string of the caller's token. */
  readonly expiresAt: string
}

/**
 * A policy target as oslo.policy sees it: nested attributes addressed as `%(target.project.domain_id)s`
 * or flat `%(domain_id)s`.
 */
export type PolicyTarget = Readonly<Record<string, unknown>>
