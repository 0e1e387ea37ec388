/**
 * The plugin contracts a `Session` talks to (keystoneauth `BaseAuthPlugin` / `BaseIdentityPlugin`),
 * and the injected clock.
 * @module
 */
import type { AccessInfo } from './access_info.ts'
import type { EndpointFilter } from './catalog.ts'
import type { Session } from './session.ts'

/** Milliseconds since the epoch; tests inject one so expiry never needs sleeping. */
export type Clock = { now(): number }

export const systemClock: Clock = Object.freeze({ now: () => Date.now() })

export interface AuthPlugin {
  /** Headers to authenticate a request (X-Auth-Token, maybe X-Service-Token); null = no auth available. */
  getHeaders(session: Session): Promise<Record<string, string> | null>
  /** Drop cached credentials; true when something was dropped (so a retry is worthwhile). */
  invalidate(): boolean
  /** The endpoint for a filter, from this plugin's catalog; undefined when none matches. */
  getEndpoint(session: Session, filter: EndpointFilter): Promise<string | undefined>
}

/** A plugin that authenticates against identity itself and can say who it is. */
export interface IdentityPlugin extends AuthPlugin {
  getAccess(session: Session): Promise<AccessInfo>
}
