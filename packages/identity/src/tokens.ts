/**
 * `@baton/identity/tokens`: Keystone's token formatter and the identity option groups without the
 * server. Tools that only decode tokens or read keystone.conf (the `baton` CLI's light verbs) load
 * this entry and start without fastify, Kysely and the database drivers that the main entry pulls.
 * @module
 */

export {
  authOptions,
  databaseOptions,
  defaultOptions,
  delegationOptions,
  fernetReceiptsOptions,
  fernetTokensOptions,
  identityOptionGroups,
  identityOptions,
  osloMiddlewareOptions,
  receiptOptions,
  tokenOptions,
} from './options.ts'
export { DEFAULT_AUTH_METHODS, MethodCodec, PSEUDO_METHOD_BITS } from './token/methods.ts'
export { PAYLOAD_CLASS_NAMES, selectPayloadVersion } from './token/payloads.ts'
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
