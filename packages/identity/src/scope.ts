/**
 * What a token (or a request for one) is scoped to, as ids: the one `Scope` vocabulary of the
 * identity package. Auth methods request one, the token service issues one, minting resolves
 * one (`ResolvedScope` in core/tokens/token_model.ts adds the entities), the store finds the
 * roles on one, and a `Caller` carries one to policy. Only token/payloads.ts turns a Scope into
 * Keystone's flat payload fields (`system`, `domain_id`, `project_id`, `trust_id`) and back.
 *
 * Facts that travel beside a scope are not scope kinds: an application-credential token is a
 * project scope plus the credential's id, an OAuth1 or federated token likewise. A trust is a
 * kind, as Keystone's payload version 3 makes it: the trust's id plus the project it delegates
 * roles on (none for a trust that delegates no project). A job-bound delegation is one more member
 * (Baton's own payload version 64), never another shape.
 * @module
 */

export type Scope =
  | { readonly kind: 'unscoped' }
  | { readonly kind: 'project'; readonly projectId: string }
  | { readonly kind: 'domain'; readonly domainId: string }
  /** Keystone's only system scope is `all`. */
  | { readonly kind: 'system'; readonly system: 'all' }
  | { readonly kind: 'trust'; readonly trustId: string; readonly projectId: string | null }
  /**
   * Baton: a job-bound delegation (payload version 64, core/delegations/): the delegated project
   * and the delegation record that bounds the token (operation, audience, roles, actors, deadline).
   */
  | { readonly kind: 'delegation'; readonly delegationId: string; readonly projectId: string }

export type ScopeKind = Scope['kind']

/** The members of `Scope` of the given kinds, e.g. `ScopeOf<'project' | 'domain'>`. */
export type ScopeOf<K extends ScopeKind> = Extract<Scope, { readonly kind: K }>

/** Where effective roles are found: a scope that names a role-assignment target. */
export type RoleTargetScope = ScopeOf<'project' | 'domain' | 'system'>

export const UNSCOPED: ScopeOf<'unscoped'> = Object.freeze({ kind: 'unscoped' })
export const SYSTEM_ALL: ScopeOf<'system'> = Object.freeze({ kind: 'system', system: 'all' })

/** The project a scope acts on (a project scope, a trust's or a delegation's project), else null. */
export function scopeProjectId(scope: Scope): string | null {
  return scope.kind === 'project' || scope.kind === 'trust' || scope.kind === 'delegation'
    ? scope.projectId
    : null
}

/** The domain of a domain scope, else null. */
export function scopeDomainId(scope: Scope): string | null {
  return scope.kind === 'domain' ? scope.domainId : null
}
