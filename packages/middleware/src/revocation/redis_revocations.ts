/**
 * Revocation events from Redis pub/sub, when the token cache is Redis (`redis_url`) and
 * `revocation_redis_channel` names the channel identity publishes on (`[revoke] redis_channel`).
 * A faster path beside the HTTP subscription, not instead of it: pub/sub keeps nothing for a
 * subscriber that is away, and the HTTP subscription's cursor covers exactly that. ioredis
 * resubscribes by itself after a reconnect; a dead Redis is logged once.
 * @module
 */
import { Redis } from 'ioredis'
import type { MiddlewareLogger } from '../logger.ts'
import { eventFactsOf, type RevocationEventFacts } from './revocation_match.ts'
import type { RevocationWindow } from './revocation_window.ts'

export type RedisRevocationsOptions = {
  readonly url: string
  readonly channel: string
  readonly window: RevocationWindow
  readonly logger: MiddlewareLogger
  readonly onApplied?: (events: readonly RevocationEventFacts[]) => void
}

export type RedisRevocations = { close(): Promise<void> }

export function subscribeRedisRevocations(o: RedisRevocationsOptions): RedisRevocations {
  const client = new Redis(o.url, {
    connectTimeout: 3000,
    maxRetriesPerRequest: null,
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 5), 5000),
  })
  let down = false
  client.on('error', (error: Error) => {
    if (down) return
    down = true
    o.logger.warn(`revocation events over Redis: ${error.message}; the HTTP subscription remains`)
  })
  client.on('ready', () => {
    down = false
  })
  client.on('message', (channel: string, message: string) => {
    if (channel !== o.channel) return
    let parsed: unknown
    try {
      parsed = JSON.parse(message)
    } catch {
      return
    }
    const raw = (parsed as { events?: unknown }).events
    if (!Array.isArray(raw)) return
    const events = raw.map(eventFactsOf).filter((e): e is RevocationEventFacts => e !== undefined)
    o.window.add(events)
    o.onApplied?.(events)
  })
  client.subscribe(o.channel).catch(() => {})
  return {
    async close() {
      client.disconnect()
    },
  }
}
