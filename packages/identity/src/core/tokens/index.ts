/**
 * Token issue, validation, rendering and revocation for the identity server.
 * @module
 */
export { type CatalogEndpoint, type CatalogService, renderCatalog } from './catalog.ts'
export { type RenderOptions, renderToken, type TokenBody } from './render_token.ts'
export { eventMatches, revocationView, type TokenRevocationView } from './revocation_check.ts'
export { callerOf } from './token_caller.ts'
export {
  auditIdsOf,
  type MintFields,
  type ResolvedScope,
  type TokenModel,
} from './token_model.ts'
export { directTokenReads, type ResolvedToken, type TokenReads } from './token_reads.ts'
export {
  createTokenService,
  type IssuedToken,
  type IssueRequest,
  type RenderBodyOptions,
  type TokenCodec,
  type TokenService,
  type TokenServiceOptions,
  type ValidateOptions,
  type ValidationOutcome,
} from './token_service.ts'
export { revocationRetentionSeconds, type TokenSettings, tokenSettings } from './token_settings.ts'
export { keystoneTime, keystoneTimeMs } from './token_time.ts'
