/**
 * The identity server's in-process validation caches, all keyed by cache generation (see
 * store/cache_generation.ts) so a write in any process on the database invalidates them at once:
 * minted token models (keyed by key set and a SHA-256 of the token), effective-role expansions
 * per user and scope, the users, projects and domains a token or a scope names, the revocation
 * event list, and the catalog (raw and rendered).
 * @module
 */
import type { CatalogService } from '../core/tokens/catalog.ts'
import type { ResolvedToken } from '../core/tokens/token_reads.ts'
import type {
  CatalogEntry,
  Domain,
  EffectiveRole,
  Project,
  RevocationEvent,
  User,
} from '../store/index.ts'
import { GenerationMemo } from './generation_memo.ts'

/** A minted model with the verdict of its generation's revocation events (known, not asked). */
export type CachedMint = ResolvedToken

export interface ValidationCache {
  readonly mints: GenerationMemo<CachedMint>
  readonly roles: GenerationMemo<EffectiveRole[]>
  /** Users, projects and domains as minting and scope resolution read them, by ID or name. */
  readonly users: GenerationMemo<User>
  readonly projects: GenerationMemo<Project>
  readonly domains: GenerationMemo<Domain>
  readonly projectsByName: GenerationMemo<Project | undefined>
  readonly domainsByName: GenerationMemo<Domain | undefined>
  /** One key (''): every event; Keystone's revoke cache holds the whole list too. */
  readonly revocationEvents: GenerationMemo<RevocationEvent[]>
  /** One key (''): the catalog as the store lists it. */
  readonly catalogEntries: GenerationMemo<CatalogEntry[]>
  /** Rendered per user and project (URL substitutions differ). */
  readonly catalogs: GenerationMemo<CatalogService[]>
}

export interface ValidationCacheOptions {
  /** Most token models kept; one per distinct token validated lately. */
  readonly maxTokens?: number
  /** Most role expansions, rendered catalogs, users, projects and domains kept, each. */
  readonly maxScopes?: number
}

export function createValidationCache(options: ValidationCacheOptions = {}): ValidationCache {
  const maxScopes = options.maxScopes ?? 10_000
  return {
    mints: new GenerationMemo(options.maxTokens ?? 10_000),
    roles: new GenerationMemo(maxScopes),
    users: new GenerationMemo(maxScopes),
    projects: new GenerationMemo(maxScopes),
    domains: new GenerationMemo(maxScopes),
    projectsByName: new GenerationMemo(maxScopes),
    domainsByName: new GenerationMemo(maxScopes),
    revocationEvents: new GenerationMemo(1),
    catalogEntries: new GenerationMemo(1),
    catalogs: new GenerationMemo(maxScopes),
  }
}
