/**
 * The middleware's token cache: validated token bodies stored as JSON under keystonemiddleware's
 * keys and envelope (MAC or ENCRYPT when a secret is configured), `strict` and `allow_expired`
 * results apart. Every backend failure, tampered entry or unreadable value is a miss, never an error.
 * @module
 */
import type { Clock } from '@baton/config'
import {
  type DerivedKeys,
  deriveKeys,
  plainCacheKey,
  protect,
  securedCacheKey,
  unprotect,
} from './envelope.ts'
import { requireSecretFor } from './strategy.ts'
import { describeError, ThrottledWarning } from './throttled_warning.ts'
import type { CacheBackend, CacheLogger, SecurityStrategy, ValidationMode } from './types.ts'

export type TokenCacheOptions = {
  readonly backend: CacheBackend
  readonly securityStrategy?: SecurityStrategy
  readonly secretKey?: string
  readonly logger?: CacheLogger
  readonly clock?: Clock
}

type Slot = { readonly key: string; readonly keys: DerivedKeys | undefined }

const silent: CacheLogger = { warn: () => {} }

export class TokenCache {
  readonly #backend: CacheBackend
  readonly #strategy: SecurityStrategy
  readonly #secret: string | undefined
  readonly #warning: ThrottledWarning

  constructor(o: TokenCacheOptions) {
    this.#backend = o.backend
    this.#strategy = o.securityStrategy ?? 'None'
    requireSecretFor(this.#strategy, o.secretKey)
    this.#secret = this.#strategy === 'None' ? undefined : o.secretKey
    this.#warning = new ThrottledWarning(o.logger ?? silent, o.clock ?? Date)
  }

  /** 'memory' | 'memcached' | 'redis'. */
  get backendName(): string {
    return this.#backend.name
  }

  get securityStrategy(): SecurityStrategy {
    return this.#strategy
  }

  /** The parsed token body, or undefined on a miss, a tampered entry or a backend failure. */
  async get(token: string, mode: ValidationMode): Promise<unknown | undefined> {
    if (token === '') return undefined
    const slot = this.#slot(token, mode)
    let stored: string | undefined
    try {
      stored = await this.#backend.get(slot.key)
    } catch (error) {
      this.#backendFailed('read', error)
      return undefined
    }
    if (stored === undefined) return undefined
    const text = slot.keys === undefined ? stored : unprotect(slot.keys, stored)
    if (text === undefined) {
      this.#warning.warn(
        'tampered',
        `token cache (${this.#backend.name}): failed to decrypt/verify cache data; treated as a miss`,
      )
      return undefined
    }
    try {
      return JSON.parse(text) as unknown
    } catch {
      this.#warning.warn(
        'unparsable',
        `token cache (${this.#backend.name}): cached value is not JSON; treated as a miss`,
      )
      return undefined
    }
  }

  /** Stores the token body for `ttlSeconds` (whole seconds); nothing is stored when it is ≤ 0. */
  async set(token: string, mode: ValidationMode, data: unknown, ttlSeconds: number): Promise<void> {
    const ttl = Math.floor(ttlSeconds)
    if (!(ttl > 0) || token === '') return
    const json = JSON.stringify(data)
    if (json === undefined) return
    const slot = this.#slot(token, mode)
    const value = slot.keys === undefined ? json : protect(slot.keys, json)
    try {
      await this.#backend.set(slot.key, value, ttl)
    } catch (error) {
      this.#backendFailed('write', error)
    }
  }

  async close(): Promise<void> {
    try {
      await this.#backend.close()
    } catch (error) {
      this.#backendFailed('close', error)
    }
  }

  #slot(token: string, mode: ValidationMode): Slot {
    if (this.#strategy === 'None' || this.#secret === undefined) {
      return { key: plainCacheKey(token, mode), keys: undefined }
    }
    const keys = deriveKeys(token, this.#secret, this.#strategy)
    return { key: securedCacheKey(keys, mode), keys }
  }

  #backendFailed(operation: string, error: unknown): void {
    this.#warning.warn(
      'backend',
      `token cache (${this.#backend.name}) ${operation} failed, treated as a miss: ${describeError(error)}`,
    )
  }
}
