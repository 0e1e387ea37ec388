/**
 * Asks the identity server about a token (`GET /v3/auth/tokens`), as keystonemiddleware's
 * `IdentityServer.verify_token` does: authenticated with the middleware's own credentials, identity
 * found in their catalog by interface and region, cache first, positive results cached only.
 * 404 (and any unreadable answer) means invalid; anything else that is not a 200 means identity could
 * not answer, so nothing is known (503, or Invalid under delay_auth_decision).
 * @module
 */
import {
  AccessInfo,
  ClientError,
  type Clock,
  type EndpointFilter,
  HttpError,
  type Session,
} from '@baton/client'
import type { TokenCache, ValidationMode } from './cache/index.ts'
import { IdentityUnavailable, InvalidToken } from './errors.ts'

export type TokenFetcherOptions = {
  readonly session: Session
  readonly identity: EndpointFilter
  readonly includeServiceCatalog: boolean
  readonly cache: TokenCache | undefined
  /** Seconds; <= 0 disables caching. */
  readonly cacheTime: number
  readonly clock: Clock
}

export class TokenFetcher {
  readonly #o: TokenFetcherOptions

  constructor(options: TokenFetcherOptions) {
    this.#o = options
  }

  /** The token's data, from the cache or identity; throws InvalidToken or IdentityUnavailable. */
  async fetch(token: string, allowExpired: boolean): Promise<AccessInfo> {
    const mode: ValidationMode = allowExpired ? 'allow_expired' : 'strict'
    const cached = await this.#fromCache(token, mode)
    if (cached !== undefined) return cached
    const access = await this.#fromIdentity(token, allowExpired)
    await this.#remember(token, mode, access)
    return access
  }

  async #fromCache(token: string, mode: ValidationMode): Promise<AccessInfo | undefined> {
    if (this.#o.cache === undefined || this.#o.cacheTime <= 0) return undefined
    const data = await this.#o.cache.get(token, mode)
    if (data === undefined) return undefined
    try {
      return AccessInfo.fromTokenResponse(token, data)
    } catch {
      return undefined
    }
  }

  /** Cached no longer than token_cache_time, and never past the token's own expiry. */
  async #remember(token: string, mode: ValidationMode, access: AccessInfo): Promise<void> {
    if (this.#o.cache === undefined || this.#o.cacheTime <= 0) return
    const untilExpiry = Math.floor((access.expiresAt.getTime() - this.#o.clock.now()) / 1000)
    const ttl = Math.min(this.#o.cacheTime, untilExpiry)
    if (ttl > 0) await this.#o.cache.set(token, mode, access.body, ttl)
  }

  async #fromIdentity(token: string, allowExpired: boolean): Promise<AccessInfo> {
    const query: Record<string, string> = {}
    if (!this.#o.includeServiceCatalog) query.nocatalog = '1'
    if (allowExpired) query.allow_expired = '1'
    let response: Awaited<ReturnType<Session['request']>>
    try {
      response = await this.#o.session.request('auth/tokens', {
        method: 'GET',
        endpointFilter: this.#o.identity,
        headers: {
          'X-Subject-Token': token,
          'OpenStack-Identity-Access-Rules': '1',
        },
        query,
        raiseExc: false,
      })
    } catch (error) {
      throw unavailable(error)
    }
    if (response.status === 404) throw new InvalidToken('identity does not know the token')
    if (response.status !== 200) {
      throw new IdentityUnavailable(`identity answered ${response.status} to a token validation`)
    }
    try {
      return AccessInfo.fromTokenResponse(token, response.json())
    } catch {
      throw new InvalidToken('invalid token contents')
    }
  }
}

function unavailable(error: unknown): IdentityUnavailable {
  if (error instanceof HttpError) {
    return new IdentityUnavailable(
      `identity answered ${error.status} to the middleware's own login`,
    )
  }
  const reason = error instanceof ClientError ? error.message : 'unexpected error'
  return new IdentityUnavailable(`cannot reach identity: ${reason}`, { cause: error })
}
