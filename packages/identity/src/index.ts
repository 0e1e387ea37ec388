/**
 * @baton/identity: the identity server. Its only public entry.
 * @module
 */

export {
  type BootstrapRequest,
  type BootstrapResult,
  type BootstrapSettings,
  bootstrap,
} from './core/bootstrap.ts'
export {
  credentialsOffPrimary,
  migrateCredentials,
  rotateCredentialKeys,
  setupCredentialKeys,
} from './core/credentials/credential_key_admin.ts'
export { passwordSettings } from './core/password_settings.ts'
export {
  Conflict,
  DatabaseBusy,
  Forbidden,
  IdentityErrorCode,
  KeysNotFound,
  KeystoneError,
  keystoneErrorBody,
  NotFound,
  TokenNotFound,
  TokenPayloadError,
  Unauthorized,
  UnexpectedError,
  ValidationError,
} from './errors.ts'
export * from './fleet/index.ts'
export type {
  ChainFile,
  ChainFinding,
  ChainService,
  ChainsDiagnosis,
  ChainsSource,
} from './operations/chains_report.ts'
export { serveClusterMetrics } from './operations/cluster_metrics.ts'
export {
  authOptions,
  credentialOptions,
  databaseOptions,
  defaultOptions,
  delegationOptions,
  fernetReceiptsOptions,
  fernetTokensOptions,
  fleetOptions,
  identityOptionGroups,
  identityOptions,
  osloMiddlewareOptions,
  receiptOptions,
  sslOptions,
  tokenOptions,
} from './options.ts'
export type { Scope, ScopeKind, ScopeOf } from './scope.ts'
export {
  checkDatabaseSync,
  type OpenedStore,
  openCurrentStore,
  openCurrentStoreWithRetry,
  type SyncCheck,
  type SyncPhase,
  syncDatabase,
  syncDatabasePhase,
} from './server/database_access.ts'
export {
  type DelegationFlushResult,
  flushDelegations,
} from './server/delegation_flush.ts'
export {
  createIdentityServer,
  type IdentityServer,
  type IdentityServerOptions,
  identityLogger,
} from './server/identity_server.ts'
export {
  importKeystoneDatabase,
  type KeystoneImportReport,
} from './server/keystone_import.ts'
export { openFleetDatabase } from './server/open_fleet_database.ts'
export { flushTrusts, type TrustFlushFilter } from './server/trust_flush.ts'
export { DEFAULT_AUTH_METHODS, MethodCodec, PSEUDO_METHOD_BITS } from './token/methods.ts'
export {
  PAYLOAD_CLASS_NAMES,
  payloadFieldsOf,
  scopeOfPayload,
  selectPayloadVersion,
} from './token/payloads.ts'
export type {
  DecodedToken,
  PayloadFields,
  PayloadVersion,
  TokenFields,
} from './token/token_fields.ts'
export {
  type CreatedToken,
  type CreateTokenOptions,
  type TokenCrypto,
  TokenFormatter,
  type TokenFormatterOptions,
  type TokenKeys,
} from './token/token_formatter.ts'
