/**
 * The middleware's one in-process token cache: the validations this process used last, kept as
 * already-parsed values, so a hit costs one hash and one map lookup (and no promise). With no
 * shared backend configured it is the whole cache; in front of memcached or Redis it saves each hit
 * a backend read, a JSON.parse and a rebuild. Keyed like the backend (a SHA-256 of the token, never
 * the token) with `strict` and `allow_expired` apart; every entry carries its own deadline, read
 * on the injected clock, which the caller sets (never past the token's expiry or token_cache_time).
 * @module
 */

import { hash } from 'node:crypto'
import type { Clock } from '@baton/config'
import { LRUCache } from 'lru-cache'
import type { ValidationMode } from './types.ts'

export type LocalTokenCacheOptions = {
  /** Entries kept (both modes together) before the least recently used is dropped. */
  readonly maxEntries: number
  readonly clock: Clock
}

type Entry<V> = { readonly value: V; readonly untilMs: number }

/** The one-shot `crypto.hash` (Node >= 20.12, as package.json requires) skips a Hash object. */
function tokenKey(token: string, mode: ValidationMode): string {
  const key = hash('sha256', token, 'base64')
  return mode === 'strict' ? key : `${key}/allow_expired`
}

export class LocalTokenCache<V extends object> {
  readonly #entries: LRUCache<string, Entry<V>>
  readonly #clock: Clock

  constructor(o: LocalTokenCacheOptions) {
    this.#entries = new LRUCache({ max: o.maxEntries })
    this.#clock = o.clock
  }

  /** The value while its deadline has not passed; an entry past it is dropped. */
  get(token: string, mode: ValidationMode): V | undefined {
    const key = tokenKey(token, mode)
    const entry = this.#entries.get(key)
    if (entry === undefined) return undefined
    if (entry.untilMs > this.#clock.now()) return entry.value
    this.#entries.delete(key)
    return undefined
  }

  /** Keeps `value` until `untilMs` (epoch ms); a deadline already past stores nothing. */
  set(token: string, mode: ValidationMode, value: V, untilMs: number): void {
    if (!(untilMs > this.#clock.now())) return
    this.#entries.set(tokenKey(token, mode), { value, untilMs })
  }

  delete(token: string, mode: ValidationMode): void {
    this.#entries.delete(tokenKey(token, mode))
  }

  clear(): void {
    this.#entries.clear()
  }
}
