/**
 * Revocation push, assembled: the window of events heard (which the token fetcher consults on every
 * cache hit), the HTTP subscription to identity, and, with a Redis cache and a channel named, the
 * Redis pub/sub listener. Built by `createAuthToken` when caching is on and `revocation_push` is
 * true; `AuthToken.revocationPush` exposes its state (`connected`, `nextApplied`).
 * @module
 */
import type { Clock, EndpointFilter, Session } from '@baton/client'
import type { MiddlewareLogger } from '../logger.ts'
import { type RedisRevocations, subscribeRedisRevocations } from './redis_revocations.ts'
import type { RevocationEventFacts } from './revocation_match.ts'
import { RevocationSubscriber } from './revocation_subscriber.ts'
import { RevocationWindow } from './revocation_window.ts'

/** Events are kept this much longer than token_cache_time (in-flight validations, clock skew). */
export const RETENTION_MARGIN_MS = 60_000

export type RevocationPushOptions = {
  readonly session: Session
  readonly identity: EndpointFilter
  readonly clock: Clock
  readonly logger: MiddlewareLogger
  /** token_cache_time, seconds. */
  readonly cacheTimeSeconds: number
  readonly redis?: { readonly url: string; readonly channel: string } | undefined
}

export type RevocationPushStatus = {
  /** True while the HTTP subscription is up (its last request answered). */
  readonly connected: boolean
  /** Resolves with the next batch of events applied (from either source). */
  nextApplied(): Promise<readonly RevocationEventFacts[]>
}

export class RevocationPush implements RevocationPushStatus {
  readonly window: RevocationWindow
  readonly #subscriber: RevocationSubscriber
  readonly #redis: RedisRevocations | undefined
  #listeners: ((events: readonly RevocationEventFacts[]) => void)[] = []

  constructor(o: RevocationPushOptions) {
    const retentionMs = o.cacheTimeSeconds * 1000 + RETENTION_MARGIN_MS
    this.window = new RevocationWindow({ clock: o.clock, retentionMs })
    const onApplied = (events: readonly RevocationEventFacts[]): void => {
      const listeners = this.#listeners
      this.#listeners = []
      for (const listener of listeners) listener(events)
    }
    this.#subscriber = new RevocationSubscriber({
      session: o.session,
      identity: o.identity,
      window: this.window,
      clock: o.clock,
      logger: o.logger,
      backlogMs: retentionMs,
      onApplied,
    })
    this.#redis =
      o.redis === undefined
        ? undefined
        : subscribeRedisRevocations({
            ...o.redis,
            window: this.window,
            logger: o.logger,
            onApplied,
          })
  }

  /**
   * Subscribes (once). The token fetcher calls it on its first lookup past the in-process cache,
   * so a process that never validates a token never holds a connection to identity.
   */
  start(): void {
    this.#subscriber.start()
  }

  get connected(): boolean {
    return this.#subscriber.connected
  }

  nextApplied(): Promise<readonly RevocationEventFacts[]> {
    return new Promise((resolve) => this.#listeners.push(resolve))
  }

  async close(): Promise<void> {
    await Promise.all([this.#subscriber.close(), this.#redis?.close()])
  }
}
