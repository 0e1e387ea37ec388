/**
 * The in-process backend (no `memcached_servers`): an LRU bounded by entry count whose TTLs run
 * on the injected clock, so expiry is testable without sleeping. Per process, like
 * keystonemiddleware's `_FakeClient`, but bounded.
 * @module
 */
import type { Clock } from '@baton/config'
import { LRUCache } from 'lru-cache'
import type { CacheBackend } from './types.ts'

export type MemoryBackendOptions = {
  /** Entries kept before the least recently used is dropped (default 10000). */
  readonly maxEntries?: number
  readonly clock?: Clock
}

export function createMemoryBackend(o: MemoryBackendOptions = {}): CacheBackend {
  const clock = o.clock ?? Date
  const entries = new LRUCache<string, string>({
    max: o.maxEntries ?? 10_000,
    // lru-cache reads "now" from perf; ttlResolution 0 stops it caching a stale now for 1 ms.
    perf: { now: () => clock.now() },
    ttlResolution: 0,
    ttlAutopurge: false,
  })
  return {
    name: 'memory',
    get: async (key) => entries.get(key),
    set: async (key, value, ttlSeconds) => {
      entries.set(key, value, { ttl: ttlSeconds * 1000 })
    },
    close: async () => {
      entries.clear()
    },
  }
}
