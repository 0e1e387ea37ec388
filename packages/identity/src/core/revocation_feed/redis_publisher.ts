/**
 * Publishes revocation events on Redis pub/sub (`[revoke] redis_url`, `redis_channel`), for
 * middlewares whose token cache is that Redis: one message per batch the feed's poller finds,
 * `{"events": [...]}` rendered as `GET /v3/OS-REVOKE/events` renders them. Pub/sub keeps nothing
 * for a subscriber that is away, so the middleware keeps its HTTP subscription (with its cursor) as
 * well; Redis is only the faster path. A dead Redis fails the publish (the feed logs it once),
 * never identity.
 * @module
 */
import { Redis } from 'ioredis'
import type { RevocationEvent } from '../../store/index.ts'
import { renderRevocationEvent } from '../resources/revocation.ts'
import type { RevocationPublisher } from './revocation_feed.ts'

export function createRedisRevocationPublisher(o: {
  readonly url: string
  readonly channel: string
}): RevocationPublisher {
  const client = new Redis(o.url, {
    connectTimeout: 3000,
    commandTimeout: 3000,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    lazyConnect: false,
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 5), 2000),
  })
  // failures surface per publish; an unheard 'error' event would end the process
  client.on('error', () => {})
  return {
    async publish(events: readonly RevocationEvent[]) {
      await client.publish(o.channel, JSON.stringify({ events: events.map(renderRevocationEvent) }))
    },
    async close() {
      client.disconnect()
    },
  }
}
