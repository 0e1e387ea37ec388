/**
 * The in-process layer in front of the token cache backend: the validations this process used
 * last, kept as already-parsed values, so a hit costs one hash and one map lookup instead of a
 * backend read, a JSON.parse and a rebuild. Keyed like the backend (a SHA-256 of the token, never
 * the token) with `strict` and `allow_expired` apart; every entry carries its own deadline, read
 * on the injected clock, which the caller sets (never past the token's expiry or token_cache_time).
 * @module
 */

import { hash } from 'node:crypto'
import type { Clock } from '@baton/config'
import { LRUCache } from 'lru-cache'
import type { ValidationMode } from './types.ts'

export type LocalTokenCacheOptions = {
  /** Entries kept per validation mode before the least recently used is dropped (default 1000). */
  readonly maxEntries?: number
  readonly clock: Clock
}

type Entry<V> = { readonly value: V; readonly untilMs: number }

/** The one-shot `crypto.hash` (Node >= 20.12, as package.json requires) skips a Hash object. */
function tokenKey(token: string): string {
  return hash('sha256', token, 'base64')
}

export class LocalTokenCache<V extends object> {
  readonly #strict: LRUCache<string, Entry<V>>
  readonly #allowExpired: LRUCache<string, Entry<V>>
  readonly #clock: Clock

  constructor(o: LocalTokenCacheOptions) {
    const max = o.maxEntries ?? 1000
    this.#strict = new LRUCache({ max })
    this.#allowExpired = new LRUCache({ max })
    this.#clock = o.clock
  }

  /** The value while its deadline has not passed; an entry past it is dropped. */
  get(token: string, mode: ValidationMode): V | undefined {
    const entries = this.#entries(mode)
    const key = tokenKey(token)
    const entry = entries.get(key)
    if (entry === undefined) return undefined
    if (entry.untilMs > this.#clock.now()) return entry.value
    entries.delete(key)
    return undefined
  }

  /** Keeps `value` until `untilMs` (epoch ms); a deadline already past stores nothing. */
  set(token: string, mode: ValidationMode, value: V, untilMs: number): void {
    if (!(untilMs > this.#clock.now())) return
    this.#entries(mode).set(tokenKey(token), { value, untilMs })
  }

  clear(): void {
    this.#strict.clear()
    this.#allowExpired.clear()
  }

  #entries(mode: ValidationMode): LRUCache<string, Entry<V>> {
    return mode === 'allow_expired' ? this.#allowExpired : this.#strict
  }
}
