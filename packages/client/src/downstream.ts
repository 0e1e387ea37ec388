/**
 * `downstreamSession`: how a service calls the next one on a user's behalf. The user's token goes
 * as X-Auth-Token (never renewed by us); the service's own token, when a service plugin is given,
 * goes as X-Service-Token. The service plugin is the caller's long-lived one, so every downstream
 * session shares its cached token and its single in-flight refresh.
 * @module
 */
import type { AccessInfo } from './access_info.ts'
import type { AuthPlugin } from './session.ts'
import { Session, type SessionOptions } from './session.ts'
import { AccessInfoAuth, ServiceTokenAuthWrapper, StaticTokenAuth } from './static_plugins.ts'

export type DownstreamSessionOptions = Omit<SessionOptions, 'auth'> & {
  /** A validated AccessInfo (its catalog serves endpoint lookups) or a raw user token. */
  user: AccessInfo | string
  /** This service's own plugin (e.g. from loadServiceUserAuth), or null to send the user token only. */
  serviceAuth: AuthPlugin | null
}

export function downstreamSession(o: DownstreamSessionOptions): Session {
  const { user, serviceAuth, ...sessionOptions } = o
  const userAuth = typeof user === 'string' ? new StaticTokenAuth(user) : new AccessInfoAuth(user)
  const auth = serviceAuth === null ? userAuth : new ServiceTokenAuthWrapper(userAuth, serviceAuth)
  return new Session({ ...sessionOptions, auth })
}
