/**
 * `downstreamSession`: how a service calls the next one on a user's behalf. The user's token goes
 * as X-Auth-Token (never renewed by us); the service's own token, when a service plugin is given,
 * goes as X-Service-Token. The service plugin is the caller's long-lived one, so every downstream
 * session shares its cached token and its single in-flight refresh.
 *
 * `DownstreamSession.delegate` is the start of a long operation under `[service_user] delegate`:
 * the same two tokens are exchanged at identity (`POST /v3/OS-BATON/delegations`) for a delegation
 * token bound to the operation and the services it will call; the caller then sends that token
 * downstream instead of the user's. Given a delegation token as the user's, it narrows it (the
 * identity appends this service to the actor chain).
 * @module
 */
import { AccessInfo } from './access_info.ts'
import { discoverV3 } from './discovery.ts'
import { ConfigurationError, InvalidResponse, InvalidTokenBody } from './errors.ts'
import { BaseIdentityPlugin } from './identity_plugin.ts'
import type { AuthPlugin } from './session.ts'
import { Session, type SessionOptions } from './session.ts'
import { AccessInfoAuth, ServiceTokenAuthWrapper, StaticTokenAuth } from './static_plugins.ts'

export type DownstreamSessionOptions = Omit<SessionOptions, 'auth'> & {
  /** A validated AccessInfo (its catalog serves endpoint lookups) or a raw user token. */
  user: AccessInfo | string
  /** This service's own plugin (e.g. from loadServiceUserAuth), or null to send the user token only. */
  serviceAuth: AuthPlugin | null
}

/** What a delegation is asked for (the body of `POST /v3/OS-BATON/delegations`). */
export type DelegateOptions = {
  /** What the delegation is bound to, e.g. `compute:boot:<server id>`. */
  readonly operation: string
  /** The service types (catalog types) the delegation may be used at: every hop the job will reach. */
  readonly audience: readonly string[]
  /** Seconds; identity caps it by `[delegation] max_lifetime` and by a parent's deadline. */
  readonly expiresIn: number
  /** Role names to keep (a subset of the user's); all of them when absent. */
  readonly roles?: readonly string[]
  /** The identity v3 URL; default: the service plugin's auth_url (discovered). */
  readonly identityUrl?: string
}

export const DELEGATIONS_PATH = 'OS-BATON/delegations'

export class DownstreamSession extends Session {
  readonly #serviceAuth: AuthPlugin | null

  constructor(o: DownstreamSessionOptions) {
    const { user, serviceAuth, ...sessionOptions } = o
    const userAuth = typeof user === 'string' ? new StaticTokenAuth(user) : new AccessInfoAuth(user)
    const auth =
      serviceAuth === null ? userAuth : new ServiceTokenAuthWrapper(userAuth, serviceAuth)
    super({ ...sessionOptions, auth })
    this.#serviceAuth = serviceAuth
  }

  /**
   * Exchanges the user's token (or a delegation token, to narrow it) and this service's token for a
   * delegation token bound to `o.operation` and `o.audience`. Returns the new token's AccessInfo
   * (`access.token` to send on, `access.delegation` for its actors and deadline). Identity's refusal
   * is an HttpError (403 for a service token without an actor role, 401 for an expired user token).
   */
  async delegate(o: DelegateOptions): Promise<AccessInfo> {
    const service = this.#serviceAuth
    if (service === null) {
      throw new ConfigurationError(
        'a delegation needs this service’s own token as the actor: set ' +
          '[service_user] send_service_user_token = true with credentials',
      )
    }
    const base = o.identityUrl ?? (await this.#identityUrl(service))
    const res = await this.request(`${base.replace(/\/+$/, '')}/${DELEGATIONS_PATH}`, {
      method: 'POST',
      headers: { Accept: 'application/json' },
      json: {
        delegation: {
          operation: o.operation,
          audience: [...o.audience],
          expires_in: o.expiresIn,
          ...(o.roles === undefined ? {} : { roles: [...o.roles] }),
        },
      },
    })
    const token = res.headers.get('x-subject-token')
    if (token === null || token === '') {
      throw new InvalidTokenBody('identity answered a delegation without an X-Subject-Token header')
    }
    let body: unknown
    try {
      body = res.json()
    } catch (error) {
      if (error instanceof InvalidResponse) throw new InvalidTokenBody(error.message)
      throw error
    }
    const access = AccessInfo.fromTokenResponse(token, body)
    if (access.delegation === undefined) {
      throw new InvalidTokenBody('identity answered a delegation without OS-BATON:delegation')
    }
    return access
  }

  async #identityUrl(service: AuthPlugin): Promise<string> {
    if (service instanceof BaseIdentityPlugin) return discoverV3(this, service.authUrl)
    throw new ConfigurationError(
      'cannot tell where identity is: the service plugin has no auth_url; pass identityUrl',
    )
  }
}

export function downstreamSession(o: DownstreamSessionOptions): DownstreamSession {
  return new DownstreamSession(o)
}
