/**
 * The identity SQL store: one object with a repository per area over one database, and
 * `transaction()` to compose several repositories atomically (e.g. delete a user and record its
 * revocation event, or neither). The rest of the identity package imports the store from here.
 * @module
 */
import {
  type ApplicationCredentialRepository,
  createApplicationCredentialRepository,
} from './application_credentials.ts'
import { type AssignmentRepository, createAssignmentRepository } from './assignment/index.ts'
import { type CacheGenerationReader, createCacheGenerationReader } from './cache_generation.ts'
import { type CatalogRepository, createCatalogRepository } from './catalog/index.ts'
import type { StoreContext } from './context.ts'
import { type CredentialRepository, createCredentialRepository } from './credentials.ts'
import type { StoreDatabase } from './database.ts'
import { createDelegationRepository, type DelegationRepository } from './delegations.ts'
import { createDomainConfigRepository, type DomainConfigRepository } from './domain_config.ts'
import { createEffectiveRoleResolver, type EffectiveRoleResolver } from './effective_roles.ts'
import { createEndpointFilterRepository, type EndpointFilterRepository } from './endpoint_filter.ts'
import { createIdentityRepository, type IdentityRepository } from './identity/index.ts'
import { type ConsumerRepository, createConsumerRepository } from './oauth1.ts'
import { createOAuthTokenRepository, type OAuthTokenRepository } from './oauth1_tokens.ts'
import { createPolicyRepository, type PolicyRepository } from './policies.ts'
import { createResourceRepository, type ResourceRepository } from './resource/index.ts'
import { createRevocationRepository, type RevocationRepository } from './revocation.ts'
import { type Clock, systemClock } from './timestamps.ts'
import { retryingTransaction } from './transaction_retry.ts'
import { createTrustRepository, type TrustRepository } from './trusts.ts'
import { createUnifiedLimitRepository, type UnifiedLimitRepository } from './unified_limits.ts'

export { MigrationFailedError, StoreConfigError } from '../errors.ts'
export type * from './access_rules.ts'
export type * from './application_credentials.ts'
export type * from './assignment/index.ts'
export type * from './cache_generation.ts'
export type * from './catalog/index.ts'
export type { JsonObject, JsonValue } from './codecs.ts'
export { ROOT_DOMAIN_ID } from './codecs.ts'
export { redactConnectionUrl } from './connection_url.ts'
export type * from './credentials.ts'
export { type OpenDatabaseOptions, openDatabase, type StoreDatabase } from './database.ts'
export type * from './delegations.ts'
export type * from './domain_config.ts'
export type * from './effective_roles.ts'
export type * from './endpoint_filter.ts'
export type * from './identity/index.ts'
export {
  importKeystone,
  type KeystoneImportOptions,
  type KeystoneImportReport,
} from './keystone_import/index.ts'
export {
  isSchemaCurrent,
  LATEST_SCHEMA_VERSION,
  migrateToLatest,
  type SchemaStatus,
  schemaStatus,
  schemaVersion,
} from './migrations/index.ts'
export type * from './oauth1.ts'
export type * from './oauth1_tokens.ts'
export type * from './policies.ts'
export type * from './resource/index.ts'
export type * from './revocation.ts'
export type { TextFilter, TextMatch } from './text_filter.ts'
export {
  type Clock,
  formatEntityTime,
  type Micros,
  microsFromDate,
  nowMicros,
  parseIsoTime,
  systemClock,
} from './timestamps.ts'
export type * from './trusts.ts'
export type * from './unified_limits.ts'

export interface Store {
  readonly resource: ResourceRepository
  readonly identity: IdentityRepository
  readonly assignment: AssignmentRepository
  readonly catalog: CatalogRepository
  readonly applicationCredentials: ApplicationCredentialRepository
  readonly credentials: CredentialRepository
  readonly revocation: RevocationRepository
  /** OS-EP-FILTER: endpoint groups and project associations. */
  readonly endpointFilter: EndpointFilterRepository
  /** Domain-specific configuration (identity and ldap options). */
  readonly domainConfig: DomainConfigRepository
  readonly unifiedLimits: UnifiedLimitRepository
  /** OS-POLICY blobs. */
  readonly policies: PolicyRepository
  readonly trusts: TrustRepository
  /** Baton's job-bound delegations (OS-BATON). */
  readonly delegations: DelegationRepository
  /** OS-OAUTH1 consumers. */
  readonly consumers: ConsumerRepository
  /** OS-OAUTH1 request and access tokens. */
  readonly oauthTokens: OAuthTokenRepository
  /** Uncached; put a cache in front on the token path. */
  readonly effectiveRoles: EffectiveRoleResolver
  /** Moves with every write that can change a validation result (see cache_generation.ts). */
  readonly generation: CacheGenerationReader
  /**
   * Runs `work` with a store bound to one transaction: everything commits together or, if
   * `work` throws, nothing does. Inside a transaction, it simply joins it.
   */
  transaction<T>(work: (store: Store) => Promise<T>): Promise<T>
}

export interface StoreOptions {
  readonly clock?: Clock
  /** `[security_compliance] disable_user_account_days_inactive`; unset: users never go inactive. */
  readonly userInactivityDays?: number | undefined
}

export function createStore(database: StoreDatabase, options: StoreOptions = {}): Store {
  return bind({
    db: database.db,
    dialect: database.dialect,
    sqlite: database.sqlite,
    clock: options.clock ?? systemClock,
    userInactivityDays: options.userInactivityDays,
  })
}

function bind(ctx: StoreContext): Store {
  const store: Store = {
    resource: createResourceRepository(ctx),
    identity: createIdentityRepository(ctx),
    assignment: createAssignmentRepository(ctx),
    catalog: createCatalogRepository(ctx),
    applicationCredentials: createApplicationCredentialRepository(ctx),
    credentials: createCredentialRepository(ctx),
    revocation: createRevocationRepository(ctx),
    endpointFilter: createEndpointFilterRepository(ctx),
    domainConfig: createDomainConfigRepository(ctx),
    unifiedLimits: createUnifiedLimitRepository(ctx),
    policies: createPolicyRepository(ctx),
    trusts: createTrustRepository(ctx),
    delegations: createDelegationRepository(ctx),
    consumers: createConsumerRepository(ctx),
    oauthTokens: createOAuthTokenRepository(ctx),
    effectiveRoles: createEffectiveRoleResolver(ctx),
    generation: createCacheGenerationReader(ctx),
    transaction: (work) =>
      ctx.db.isTransaction
        ? work(store)
        : retryingTransaction(ctx.dialect, () =>
            ctx.db.transaction().execute((trx) => work(bind({ ...ctx, db: trx }))),
          ),
  }
  return store
}
