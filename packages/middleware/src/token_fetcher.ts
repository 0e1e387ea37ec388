/**
 * Asks the identity server about a token (`GET /v3/auth/tokens`), as keystonemiddleware's
 * `IdentityServer.verify_token` does: authenticated with the middleware's own credentials, identity
 * found in their catalog by interface and region, cache first, positive results cached only.
 * 404 (and any unreadable answer) means invalid; anything else that is not a 200 means identity could
 * not answer, so nothing is known (503, or Invalid under delay_auth_decision).
 *
 * One in-process layer (`LocalTokenCache`, parsed results) whenever caching is on
 * (token_cache_time > 0). With no shared backend it is the whole cache. With one (`cache`: memcached
 * or Redis, which other processes share) it sits in front of it. How long the local layer trusts an
 * entry:
 * - validated here: exactly as long as the backend entry written with it (token_cache_time, never
 *   past the token's expiry, in whole seconds), so the two layers expire together;
 * - read from the backend: at most `sharedRecheckMs` (1 s) before the backend is read again, since
 *   when another process validated it is unknown. A validation is thus trusted at most
 *   token_cache_time plus that second (memcached's TTLs are whole seconds anyway), never past the
 *   token's expiry. Deleting a backend entry reaches other processes within that second; a process
 *   that validated the token itself keeps it for its token_cache_time, like keystonemiddleware,
 *   which never re-checks a cached token before its entry expires.
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
import { LocalTokenCache } from './cache/local_cache.ts'
import { IdentityUnavailable, InvalidToken } from './errors.ts'
import type { MiddlewareStats } from './metrics/middleware_stats.ts'
import { tokenFactsOf } from './revocation/revocation_match.ts'
import type { RevocationWindow } from './revocation/revocation_window.ts'
import { ValidatedToken } from './validated_token.ts'

export type TokenFetcherOptions = {
  readonly session: Session
  readonly identity: EndpointFilter
  readonly includeServiceCatalog: boolean
  /** The shared backend behind the in-process layer; undefined: the in-process layer alone. */
  readonly cache: TokenCache | undefined
  /** Seconds; <= 0 disables caching (both layers). */
  readonly cacheTime: number
  readonly clock: Clock
  /**
   * In-process entries, both validation modes together (default: 10000 alone, as the in-memory
   * backend it replaces kept; 2000 in front of a shared backend).
   */
  readonly localEntries?: number
  /** How long an entry read from the backend is used before the backend is read again (1000). */
  readonly sharedRecheckMs?: number
  /**
   * Revocation events heard from identity (revocation_push): a cached validation an event may
   * revoke is dropped and the token asked about again. Undefined: plain expiry.
   */
  readonly revocations?: RevocationSource | undefined
  /** Cache hits and misses, identity round trips (for /metrics). */
  readonly stats?: MiddlewareStats | undefined
}

/** The events heard, and how to start hearing them (on the first lookup past the local layer). */
export type RevocationSource = { readonly window: RevocationWindow; start(): void }

function factsOf(validation: object): ReturnType<typeof tokenFactsOf> {
  return tokenFactsOf((validation as ValidatedToken).access.body)
}

const SHARED_RECHECK_MS = 1000
const ALONE_ENTRIES = 10_000
const IN_FRONT_ENTRIES = 2000

export class TokenFetcher {
  readonly #o: TokenFetcherOptions
  /** Undefined when caching is off (token_cache_time <= 0); the backend then is too. */
  readonly #local: LocalTokenCache<ValidatedToken> | undefined
  readonly #shared: TokenCache | undefined
  readonly #revocations: RevocationWindow | undefined
  readonly #startRevocations: (() => void) | undefined

  constructor(options: TokenFetcherOptions) {
    this.#o = options
    const on = options.cacheTime > 0
    this.#shared = on ? options.cache : undefined
    this.#revocations = on ? options.revocations?.window : undefined
    this.#startRevocations = on ? options.revocations?.start.bind(options.revocations) : undefined
    this.#local = on
      ? new LocalTokenCache({
          clock: options.clock,
          maxEntries:
            options.localEntries ??
            (options.cache === undefined ? ALONE_ENTRIES : IN_FRONT_ENTRIES),
        })
      : undefined
  }

  /** The token's data if the in-process cache has it: the synchronous hot path. */
  cached(token: string, allowExpired: boolean): ValidatedToken | undefined {
    const hit = this.#localHit(token, allowExpired ? 'allow_expired' : 'strict')
    const stats = this.#o.stats
    if (stats !== undefined && this.#local !== undefined) {
      if (hit === undefined) stats.cache.localMisses++
      else stats.cache.localHits++
    }
    return hit
  }

  /** The token's data, from a cache or identity; throws InvalidToken or IdentityUnavailable. */
  async fetch(token: string, allowExpired: boolean): Promise<ValidatedToken> {
    const mode: ValidationMode = allowExpired ? 'allow_expired' : 'strict'
    const local = this.#localHit(token, mode)
    if (local !== undefined) return local
    this.#startRevocations?.()
    const cached = await this.#fromCache(token, mode)
    if (cached !== undefined) return cached
    // events heard from here on may postdate identity's answer: they are checked on the next hit
    const head = this.#revocations?.head
    const validated = new ValidatedToken(await this.#fromIdentity(token, allowExpired))
    if (head !== undefined) this.#revocations?.markChecked(validated, head)
    await this.#remember(token, mode, validated)
    return validated
  }

  /** The in-process entry, unless a revocation event heard since it was checked may revoke it. */
  #localHit(token: string, mode: ValidationMode): ValidatedToken | undefined {
    const local = this.#local?.get(token, mode)
    if (local === undefined || this.#revocations === undefined) return local
    if (!this.#revocations.revokes(local, factsOf)) return local
    this.#local?.delete(token, mode)
    return undefined
  }

  /** Drops the in-process entries (the backend is closed by its owner). */
  clear(): void {
    this.#local?.clear()
  }

  async #fromCache(token: string, mode: ValidationMode): Promise<ValidatedToken | undefined> {
    if (this.#shared === undefined || this.#local === undefined) return undefined
    const data = await this.#shared.get(token, mode)
    const stats = this.#o.stats
    if (stats !== undefined) {
      if (data === undefined) stats.cache.sharedMisses++
      else stats.cache.sharedHits++
    }
    if (data === undefined) return undefined
    let validated: ValidatedToken
    try {
      validated = new ValidatedToken(AccessInfo.fromTokenResponse(token, data))
    } catch {
      return undefined
    }
    // written by any process at any time: judged against every event heard lately
    if (this.#revocations?.revokes(validated, factsOf) === true) return undefined
    const now = this.#o.clock.now()
    const recheck = Math.min(this.#o.sharedRecheckMs ?? SHARED_RECHECK_MS, this.#o.cacheTime * 1000)
    const until = Math.min(validated.access.expiresAt.getTime(), now + recheck)
    this.#local.set(token, mode, validated, until)
    return validated
  }

  /**
   * Cached no longer than token_cache_time, and never past the token's own expiry: the same whole
   * seconds in both layers.
   */
  async #remember(token: string, mode: ValidationMode, validated: ValidatedToken): Promise<void> {
    if (this.#local === undefined) return
    const now = this.#o.clock.now()
    const untilExpiry = Math.floor((validated.access.expiresAt.getTime() - now) / 1000)
    const ttl = Math.min(this.#o.cacheTime, untilExpiry)
    if (!(ttl > 0)) return
    this.#local.set(token, mode, validated, now + ttl * 1000)
    await this.#shared?.set(token, mode, validated.access.body, ttl)
  }

  async #fromIdentity(token: string, allowExpired: boolean): Promise<AccessInfo> {
    try {
      const access = await this.#askIdentity(token, allowExpired)
      this.#o.stats?.identityCall('valid')
      return access
    } catch (error) {
      this.#o.stats?.identityCall(error instanceof InvalidToken ? 'invalid' : 'error')
      throw error
    }
  }

  async #askIdentity(token: string, allowExpired: boolean): Promise<AccessInfo> {
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
    // 431/413: the token alone made the request too large for identity; says nothing of its health
    if (response.status === 431 || response.status === 413) {
      throw new InvalidToken('identity refused the token as too large')
    }
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
