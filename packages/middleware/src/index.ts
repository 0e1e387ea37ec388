/**
 * `@baton/middleware`: keystonemiddleware's `auth_token` for Node services. `createAuthToken` reads
 * `[keystone_authtoken]` (files, a loaded config or an object); the adapters protect node:http,
 * Express and fastify apps; `identityOf(req)` returns what the middleware established; the
 * `sessionFor` helper calls the next service with the user's token plus this service's own (the
 * one way Baton's reference services call on, too).
 * @module
 */
export { type ConnectMiddleware, expressAuthToken } from './adapters/express.ts'
export {
  type FastifyAuthTokenHooks,
  type FastifyReplyLike,
  type FastifyRequestLike,
  fastifyAuthToken,
} from './adapters/fastify.ts'
export { authenticateNodeRequest, guardHandler } from './adapters/node_http.ts'
export { identityOf } from './adapters/request_identity.ts'
export {
  type AuthDecision,
  AuthTokenProtocol,
  type AuthTokenSettings,
  type IncomingHeaders,
  type RequestIdentity,
  type TokenStatus,
} from './auth_token.ts'
export * from './cache/index.ts'
export {
  type ActingUser,
  type AuthToken,
  type AuthTokenOptionValues,
  type CreateAuthTokenOptions,
  createAuthToken,
} from './create_auth_token.ts'
export {
  IdentityUnavailable,
  InvalidToken,
  MiddlewareConfigError,
  MiddlewareError,
  MiddlewareErrorCode,
} from './errors.ts'
export {
  ACTOR_CHAIN_HEADER,
  DELEGATION_ID_HEADER,
  decodeActorChain,
  encodeActorChain,
  FORGEABLE_HEADERS,
  SERVICE_STATUS_HEADER,
  USER_STATUS_HEADER,
} from './identity_headers.ts'
export type { MiddlewareLogger } from './logger.ts'
export { middlewareMetrics } from './metrics/middleware_metrics.ts'
export {
  type DecisionOutcome,
  type IdentityCallResult,
  MiddlewareStats,
} from './metrics/middleware_stats.ts'
export { AUTHTOKEN_GROUP, authtokenOptions } from './options.ts'
export { pathMatches } from './token_checks.ts'
