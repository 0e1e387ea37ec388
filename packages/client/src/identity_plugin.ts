/**
 * The shared life cycle of identity plugins (keystoneauth `BaseIdentityPlugin`): discover the v3
 * URL once, `POST /v3/auth/tokens`, cache the AccessInfo and re-authenticate when it is missing or
 * expires within MIN_TOKEN_LIFE_SECONDS. Concurrent callers share one in-flight authentication; a
 * failed one is forgotten, so the next call tries again.
 * @module
 */
import type { Clock } from '@baton/config'
import { AccessInfo } from './access_info.ts'
import { type EndpointFilter, endpointFromCatalog } from './catalog.ts'
import { discoverV3 } from './discovery.ts'
import { ConfigurationError, InvalidResponse, InvalidTokenBody } from './errors.ts'
import type { IdentityPlugin, Session } from './session.ts'

/** keystoneauth `BaseIdentityPlugin.MIN_TOKEN_LIFE_SECONDS`. */
export const MIN_TOKEN_LIFE_SECONDS = 120

export type IdentityPluginOptions = {
  /** `http://h:5000` (discovered) or `http://h:5000/v3` (used as is). */
  authUrl: string
  /** Defaults to the clock of the session that asks. */
  clock?: Clock | undefined
  /** Default true: renew a token that is about to expire. */
  reauthenticate?: boolean | undefined
}

/** What one authentication sends: the `auth` document and the secrets it contains. */
export type AuthRequest = { readonly body: unknown; readonly secrets: readonly string[] }

export abstract class BaseIdentityPlugin implements IdentityPlugin {
  readonly authUrl: string
  readonly #clock: Clock | undefined
  readonly #reauthenticate: boolean
  #access: AccessInfo | undefined
  #inFlight: Promise<AccessInfo> | undefined
  #v3Url: string | undefined

  constructor(o: IdentityPluginOptions) {
    if (typeof o.authUrl !== 'string' || !/^https?:\/\/[^/]/i.test(o.authUrl)) {
      throw new ConfigurationError('auth_url must be an http:// or https:// URL')
    }
    this.authUrl = o.authUrl
    this.#clock = o.clock
    this.#reauthenticate = o.reauthenticate ?? true
  }

  /** The `{"auth": ...}` document for POST /v3/auth/tokens. */
  protected abstract authRequest(): AuthRequest

  /** The cached AccessInfo, or a fresh one when there is none or it is about to expire. */
  getAccess(session: Session): Promise<AccessInfo> {
    const now = (this.#clock ?? session.clock).now()
    const cached = this.#access
    if (
      cached !== undefined &&
      !(this.#reauthenticate && cached.willExpireSoon(now, MIN_TOKEN_LIFE_SECONDS))
    ) {
      return Promise.resolve(cached)
    }
    if (this.#inFlight === undefined) {
      const attempt = this.#authenticate(session).then((access) => {
        this.#access = access
        return access
      })
      this.#inFlight = attempt.finally(() => {
        this.#inFlight = undefined
      })
    }
    return this.#inFlight
  }

  async getHeaders(session: Session): Promise<Record<string, string> | null> {
    const access = await this.getAccess(session)
    return { 'X-Auth-Token': access.token }
  }

  invalidate(): boolean {
    if (this.#access === undefined) return false
    this.#access = undefined
    return true
  }

  async getEndpoint(session: Session, filter: EndpointFilter): Promise<string | undefined> {
    const access = await this.getAccess(session)
    return access.catalog === undefined ? undefined : endpointFromCatalog(access.catalog, filter)
  }

  async #authenticate(session: Session): Promise<AccessInfo> {
    this.#v3Url ??= await discoverV3(session, this.authUrl)
    const { body, secrets } = this.authRequest()
    const res = await session.request(`${this.#v3Url}/auth/tokens`, {
      method: 'POST',
      json: body,
      headers: { Accept: 'application/json' },
      authenticated: false,
      allowReauth: false,
      redact: secrets,
    })
    const token = res.headers.get('x-subject-token')
    if (token === null || token === '') {
      throw new InvalidTokenBody('identity answered without an X-Subject-Token header')
    }
    let parsed: unknown
    try {
      parsed = res.json()
    } catch (error) {
      if (error instanceof InvalidResponse) throw new InvalidTokenBody(error.message)
      throw error
    }
    return AccessInfo.fromTokenResponse(token, parsed)
  }
}
