/**
 * The Redis backend (ioredis), a Baton extension (`redis_url`). A dead Redis must be a cache miss,
 * not a hang or a crash: errors are listened for, commands are never queued while disconnected,
 * every call is bounded by the socket timeout, and after a timeout (a hung server) Redis is skipped
 * for `deadRetrySeconds` while ioredis reconnects in the background.
 * @module
 */
import { Redis } from 'ioredis'
import { CacheConfigError } from '../errors.ts'
import type { CacheBackend } from './types.ts'

export type RedisBackendOptions = {
  /** `redis://[:password@]host:port[/db]` or `rediss://` (TLS). */
  readonly url: string
  /** Bound on connecting and on each command; default 3000. */
  readonly socketTimeoutMs?: number
  /** How long Redis is skipped after a command timed out; default 5. */
  readonly deadRetrySeconds?: number
}

const TIMEOUT_MESSAGE = 'Command timed out'

export function createRedisBackend(o: RedisBackendOptions): CacheBackend {
  // The URL may hold a password: it never goes into a message.
  if (!/^rediss?:\/\//i.test(o.url)) {
    throw new CacheConfigError('redis_url must start with redis:// or rediss://')
  }
  const timeoutMs = o.socketTimeoutMs ?? 3000
  const deadRetryMs = (o.deadRetrySeconds ?? 5) * 1000
  const client = new Redis(o.url, {
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 5), 2000),
  })
  // Without a listener an 'error' event would crash the process; failures surface per call.
  client.on('error', () => {})
  // Calls made while the very first connection is being set up wait for it (bounded), instead of
  // missing just because the service started a moment ago.
  const firstAttempt = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, timeoutMs)
    timer.unref()
    const done = (): void => {
      clearTimeout(timer)
      resolve()
    }
    client.once('ready', done)
    client.once('error', done)
    client.once('end', done)
  })
  let skipUntil = 0

  async function call<T>(operation: () => Promise<T>): Promise<T> {
    if (client.status !== 'ready') await firstAttempt
    if (Date.now() < skipUntil) throw new Error('redis skipped after a timeout')
    try {
      return await operation()
    } catch (error) {
      if (error instanceof Error && error.message === TIMEOUT_MESSAGE) {
        skipUntil = Date.now() + deadRetryMs
      }
      throw error
    }
  }

  return {
    name: 'redis',
    async get(key) {
      const value = await call(() => client.get(key))
      return value ?? undefined
    },
    async set(key, value, ttlSeconds) {
      await call(() => client.set(key, value, 'EX', ttlSeconds))
    },
    async close() {
      if (client.status === 'ready') {
        const timer = new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref())
        await Promise.race([client.quit().catch(() => {}), timer])
      }
      client.disconnect()
    },
  }
}
