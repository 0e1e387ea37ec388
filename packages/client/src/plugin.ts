/**
 * The plugin contracts a `Session` talks to (keystoneauth `BaseAuthPlugin` / `BaseIdentityPlugin`).
 * The clock is `@baton/config`'s, imported where used (never through this file: session.ts imports
 * it directly, which keeps plugin.ts and session.ts out of a value-import circle).
 * @module
 */
import type { AccessInfo } from './access_info.ts'
import type { EndpointFilter } from './catalog.ts'
import type { Session } from './session.ts'

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
