/**
 * `@baton/client`: the sending side (keystoneauth semantics). A `Session` with auth plugins
 * (password, token, application credential), catalog lookup, refresh before expiry, connection
 * retries and one re-authenticated retry on 401, buffered or streamed bodies; the `[service_user]` options and the
 * X-Service-Token wrapper services use to call each other on a user's behalf.
 * @module
 */

/** Re-exported from `@baton/config`, the one definition. */
export { type Clock, type EpochMs, systemClock } from '@baton/config'
export {
  AccessInfo,
  type AccessRule,
  type ApplicationCredentialInfo,
  DELEGATION_MEMBER,
  type DelegationActor,
  type DelegationInfo,
  type TrustInfo,
} from './access_info.ts'
export {
  type AuthPluginValues,
  authFromOptions,
  type DelegationSettings,
  loadDelegationSettings,
  loadServiceUserAuth,
  serviceUserSessionOptions,
} from './auth_loading.ts'
export {
  type CatalogEndpoint,
  type CatalogEntry,
  type EndpointFilter,
  endpointFromCatalog,
  type Interface,
} from './catalog.ts'
export {
  DELEGATIONS_PATH,
  type DelegateOptions,
  DownstreamSession,
  type DownstreamSessionOptions,
  downstreamSession,
} from './downstream.ts'
export {
  AuthorizationFailure,
  BadGateway,
  BadRequest,
  ClientError,
  ClientErrorCode,
  ConfigurationError,
  Conflict,
  ConnectFailure,
  DiscoveryFailure,
  EndpointNotFound,
  Forbidden,
  GatewayTimeout,
  HttpError,
  type HttpErrorDetails,
  InternalServerError,
  InvalidResponse,
  InvalidTokenBody,
  MethodNotAllowed,
  NotFound,
  PayloadTooLarge,
  RequestTimeout,
  ServiceUnavailable,
  SslError,
  Unauthorized,
} from './errors.ts'
export type { StreamResponse } from './http_stream.ts'
export {
  ApplicationCredentialAuth,
  type ApplicationCredentialAuthOptions,
  PasswordAuth,
  type PasswordAuthOptions,
  type ScopeOptions,
  TokenAuth,
  type TokenAuthOptions,
  type UserOptions,
} from './identity_methods.ts'
export {
  BaseIdentityPlugin,
  type IdentityPluginOptions,
  MIN_TOKEN_LIFE_SECONDS,
} from './identity_plugin.ts'
export { authPluginOptions, SERVICE_USER_GROUP, serviceUserGroup } from './options.ts'
export type { AuthPlugin, IdentityPlugin } from './session.ts'
export {
  type ClientResponse,
  type RequestOptions,
  Session,
  type SessionLogger,
  type SessionOptions,
  type StreamRequestOptions,
} from './session.ts'
export {
  AccessInfoAuth,
  SERVICE_TOKEN_HEADER,
  ServiceTokenAuthWrapper,
  StaticTokenAuth,
} from './static_plugins.ts'
export { ClientTls, clientTlsFromOptions, type TlsValues } from './tls.ts'
