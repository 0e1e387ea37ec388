/**
 * A validated (or freshly minted) token as the rest of the server sees it: keystone's
 * `TokenModel` (keystone/models/token_model.py) with every lookup it makes lazily already done,
 * so rendering, policy and revocation matching need no further round-trips. It never holds the
 * token string itself: a model may be cached or logged, a token must not.
 * @module
 */
import type { EpochMs } from '@baton/config'
import type {
  ApplicationCredential,
  Domain,
  EffectiveRole,
  Project,
  User,
} from '../../store/index.ts'

/** Exactly one scope, as keystone's `project_scoped` / `domain_scoped` / `system_scoped`. */
export type TokenScope =
  | { readonly kind: 'unscoped' }
  | { readonly kind: 'project'; readonly project: Project; readonly projectDomain: Domain }
  | { readonly kind: 'domain'; readonly domain: Domain }
  | { readonly kind: 'system' }

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
  readonly scope: TokenScope
  /** Effective roles on the scope (implied included, domain-specific excluded); [] unscoped. */
  readonly roles: readonly EffectiveRole[]
  readonly applicationCredential: ApplicationCredential | null
}

/** keystone `TokenModel.audit_ids`: `[audit_id]` or `[audit_id, parent_audit_id]`. */
export function auditIdsOf(model: TokenModel): string[] {
  return model.parentAuditId ? [model.auditId, model.parentAuditId] : [model.auditId]
}

/** The project ID of a project-scoped token, else null. */
export function projectIdOf(model: TokenModel): string | null {
  return model.scope.kind === 'project' ? model.scope.project.id : null
}

/** The domain ID of a domain-scoped token, else null. */
export function domainIdOf(model: TokenModel): string | null {
  return model.scope.kind === 'domain' ? model.scope.domain.id : null
}
