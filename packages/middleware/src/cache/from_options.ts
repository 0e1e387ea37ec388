/**
 * Chooses the backend from `[keystone_authtoken]`: Redis when `redis_url` is set, else memcached
 * when `memcached_servers` lists any (a shared backend), else the in-process LRU. The middleware
 * itself asks only for a shared backend: without one its own in-process layer is the whole cache.
 * @module
 */
import type { Clock } from '@baton/config'
import { createMemcachedBackend } from './memcached_backend.ts'
import { createMemoryBackend } from './memory_backend.ts'
import { createRedisBackend } from './redis_backend.ts'
import type { CacheBackend } from './types.ts'

export type CacheBackendOptions = {
  readonly memcachedServers: readonly string[]
  readonly redisUrl?: string | undefined
  /** `memcache_pool_socket_timeout` in ms; bounds each memcached or Redis call. */
  readonly socketTimeoutMs?: number | undefined
  /** `memcache_pool_dead_retry`: memcached only (Redis keeps its own short back-off). */
  readonly deadRetrySeconds?: number | undefined
  readonly poolMaxSize?: number | undefined
  /** The memory backend's clock for TTLs. */
  readonly clock?: Clock | undefined
  readonly maxEntries?: number | undefined
}

export function cacheBackendFromOptions(o: CacheBackendOptions): CacheBackend {
  return (
    sharedCacheBackendFromOptions(o) ??
    createMemoryBackend(defined({ clock: o.clock, maxEntries: o.maxEntries }))
  )
}

/** Redis or memcached as configured; undefined when neither is. */
export function sharedCacheBackendFromOptions(o: CacheBackendOptions): CacheBackend | undefined {
  if (o.redisUrl !== undefined && o.redisUrl !== '') {
    return createRedisBackend({
      url: o.redisUrl,
      ...defined({ socketTimeoutMs: o.socketTimeoutMs }),
    })
  }
  const servers = o.memcachedServers.map((s) => s.trim()).filter((s) => s !== '')
  if (servers.length > 0) {
    return createMemcachedBackend({
      servers,
      ...defined({
        socketTimeoutMs: o.socketTimeoutMs,
        deadRetrySeconds: o.deadRetrySeconds,
        poolMaxSize: o.poolMaxSize,
      }),
    })
  }
  return undefined
}

/** Drops undefined values, which exactOptionalPropertyTypes will not pass as "absent". */
function defined<T extends Record<string, unknown>>(
  values: T,
): { [K in keyof T]?: Exclude<T[K], undefined> } {
  const out: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(values)) if (value !== undefined) out[name] = value
  return out as { [K in keyof T]?: Exclude<T[K], undefined> }
}
