/**
 * Who is calling: the validated `X-Auth-Token` of a request, reduced to what policy checks and
 * handlers need (oslo.context's credentials, Keystone's `RequestContext`). Its scope is the
 * token's `Scope` (ids), a project scope with its project's domain (`project_domain_id`).
 * @module
 */
import type { Scope, ScopeOf } from '../scope.ts'

/**
 * A caller's `Scope`: a project scope, a trust's and a delegation's also name the project's
 * domain. Policy sees a delegation as its project (with the delegated roles).
 */
export type CallerScope =
  | Exclude<Scope, ScopeOf<'project' | 'trust' | 'delegation'>>
  | (ScopeOf<'project'> & { readonly projectDomainId: string })
  | (ScopeOf<'trust'> & { readonly projectId: string; readonly projectDomainId: string })
  | (ScopeOf<'delegation'> & { readonly projectDomainId: string })

export type Caller = {
  readonly userId: string
  readonly userDomainId: string
  /** Role names (effective: implied roles included), lower-case as stored. */
  readonly roles: readonly string[]
  readonly roleIds: readonly string[]
  readonly scope: CallerScope
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
