/**
 * A validated (or freshly minted) token as the rest of the server sees it: keystone's
 * `TokenModel` (keystone/models/token_model.py) with every lookup it makes lazily already done,
 * so rendering, policy and revocation matching need no further round-trips. It never holds the
 * token string itself: a model may be cached or logged, a token must not.
 * @module
 */
import type { EpochMs } from '@baton/config'
import type { Scope, ScopeOf } from '../../scope.ts'
import type {
  AccessToken,
  ApplicationCredential,
  Delegation,
  Domain,
  EffectiveRole,
  Project,
  Role,
  Trust,
  User,
} from '../../store/index.ts'

/** What a token payload says (keystone's `validate_token` tuple), plus the Fernet timestamp. */
export interface MintFields {
  readonly userId: string
  readonly methods: readonly string[]
  readonly auditId: string
  readonly parentAuditId: string | null
  readonly scope: Scope
  /** An application-credential token: a project scope plus the credential. */
  readonly appCredId: string | null
  /** An OAuth-scoped token (payload version 7): a project scope plus the access token. */
  readonly accessTokenId: string | null
  readonly expiresAt: EpochMs
  readonly issuedAt: EpochMs
}

/**
 * A token's `Scope` with the entities minting loaded for it, so rendering needs no lookup
 * (keystone's `project_scoped` / `domain_scoped` / `system_scoped`). Each member is a Scope,
 * so a resolved scope goes wherever a Scope does. A trust scope always names its project: a
 * trust without one cannot be rendered by Keystone either (mint_trust.ts refuses it).
 */
export type ResolvedScope =
  | ScopeOf<'unscoped'>
  | (ScopeOf<'project'> & { readonly project: Project; readonly projectDomain: Domain })
  | (ScopeOf<'domain'> & { readonly domain: Domain })
  | ScopeOf<'system'>
  | (ScopeOf<'trust'> & {
      readonly projectId: string
      readonly project: Project
      readonly projectDomain: Domain
    })
  | (ScopeOf<'delegation'> & { readonly project: Project; readonly projectDomain: Domain })

/** What a trust-scoped token renders and re-checks beside its scope (keystone `token.trust*`). */
export interface TokenTrust {
  readonly trust: Trust
  readonly trustor: User
  readonly trustorDomain: Domain
  readonly trustee: User
  /** The delegated roles (implied included, global only) as `role_api.get_role` returns them. */
  readonly roles: readonly Role[]
}

/** What a delegation token renders and re-checks beside its scope (mint_delegation.ts). */
export interface TokenDelegation {
  /** The delegation the token stands for. */
  readonly delegation: Delegation
  /** Its ancestors, parent first ([] for a delegation made from a user token). */
  readonly ancestors: readonly Delegation[]
  /** The actor chain's users as minting loaded them, in `delegation.actors` order. */
  readonly actorUsers: readonly User[]
}

export interface TokenModel {
  readonly user: User
  readonly userDomain: Domain
  /** As the Fernet payload decodes them: configured methods, highest bit first. */
  readonly methods: readonly string[]
  readonly auditId: string
  /** The audit id of the token this one was re-scoped from (the chain's first token). */
  readonly parentAuditId: string | null
  /** Whole seconds, as the payload carries it (rendered as Keystone's `.000000Z` string). */
  readonly expiresAt: EpochMs
  /** From the Fernet timestamp, whole seconds. */
  readonly issuedAt: EpochMs
  readonly scope: ResolvedScope
  /** Effective roles on the scope (implied included, domain-specific excluded); [] unscoped. */
  readonly roles: readonly EffectiveRole[]
  readonly applicationCredential: ApplicationCredential | null
  /** Set for an OAuth-scoped token: its access token (roles, consumer). */
  readonly accessToken?: AccessToken | null | undefined
  /** Set for a trust-scoped token; `user` is then the trustee (the payload's user). */
  readonly trust?: TokenTrust | null | undefined
  /** Set for a delegation token (Baton); `roles` are then the delegated roles. */
  readonly delegation?: TokenDelegation | null | undefined
}

/**
 * The user a token stands for: the trustor of an impersonating trust's token (keystone
 * render_token replaces `user`; keystonemiddleware's headers follow the body), else `user`.
 */
export function presentedUser(model: TokenModel): { user: User; domain: Domain } {
  const trust = model.trust
  if (trust?.trust.impersonation) return { user: trust.trustor, domain: trust.trustorDomain }
  return { user: model.user, domain: model.userDomain }
}

/** keystone `TokenModel.audit_ids`: `[audit_id]` or `[audit_id, parent_audit_id]`. */
export function auditIdsOf(model: TokenModel): string[] {
  return model.parentAuditId ? [model.auditId, model.parentAuditId] : [model.auditId]
}
