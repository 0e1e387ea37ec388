/**
 * Revocation events as a feed: what the middleware's subscription (`GET
 * /v3/OS-BATON/revocation-events`, a long-poll) and the Redis publisher read. Events are recorded
 * inside the transactions that cause them (token revocation, user disable, project deletion ...),
 * by any identity node on the database, so the feed does not hook the writes: one poller per
 * process reads the table (`id > floor`, a primary-key range, every `[revoke]
 * event_poll_interval` seconds) while anyone waits or a publisher is configured, and wakes the
 * waiters when it finds a committed event it had not seen. That is how every node sees events
 * recorded by any other node, at the cost of one indexed query per interval per node.
 * @module
 */
import type { Clock } from '@baton/config'
import type { RevocationEvent, RevocationRepository } from '../../store/index.ts'
import { nowMicros } from '../../store/index.ts'
import { advanceCursor, type EventCursor } from './event_cursor.ts'

/** How long a hole in the ids stays open for an insert that has not committed yet. */
export const HOLE_GRACE_SECONDS = 60

export type RevocationPublisher = {
  publish(events: readonly RevocationEvent[]): Promise<void>
  close(): Promise<void>
}

export type RevocationFeedOptions = {
  readonly revocation: Pick<RevocationRepository, 'listAfterId' | 'findLastIdBefore'>
  readonly clock: Clock
  readonly pollIntervalMs: number
  /** Redis pub/sub, when `[revoke] redis_url` is set: the poller then runs all the time. */
  readonly publisher?: RevocationPublisher | undefined
  readonly warn?: (message: string) => void
}

/** Where a reader starts: its cursor, or (a first subscription) events revoked since a time. */
export type FeedPosition =
  | { readonly cursor: EventCursor }
  | { readonly sinceMicros: number | undefined }

export type FeedPage = { readonly events: RevocationEvent[]; readonly cursor: EventCursor }

export class RevocationFeed {
  readonly #o: RevocationFeedOptions
  readonly #graceMicros = HOLE_GRACE_SECONDS * 1_000_000
  #waiters = new Set<() => void>()
  #pollerCursor: EventCursor | undefined
  #timer: NodeJS.Timeout | undefined
  #polling = false
  #closed = false
  #readWarned = false
  #publishWarned = false

  constructor(o: RevocationFeedOptions) {
    this.#o = o
    if (o.publisher !== undefined) this.#schedule()
  }

  /** The events after `position` and the cursor that follows them. */
  async read(position: FeedPosition): Promise<FeedPage> {
    const now = nowMicros(this.#o.clock)
    if ('cursor' in position) {
      const rows = await this.#o.revocation.listAfterId(position.cursor.floor)
      const { fresh, next } = advanceCursor(position.cursor, rows, now, this.#graceMicros)
      return { events: fresh, cursor: next }
    }
    // A first read: everything revoked before the hole grace (and before `since`) is settled.
    const since = position.sinceMicros
    const settledBefore = Math.min(since ?? now, now - this.#graceMicros)
    const floor = await this.#o.revocation.findLastIdBefore(settledBefore)
    const rows = await this.#o.revocation.listAfterId(floor)
    const { next } = advanceCursor({ floor, seen: [] }, rows, now, this.#graceMicros)
    const events = since === undefined ? [] : rows.filter((row) => row.revokedAt >= since)
    return { events, cursor: next }
  }

  /**
   * Resolves when the poller next finds an event it had not seen (or the feed closes). Ask before
   * reading, then read, then await it: an event committed in between wakes the reader.
   */
  nextChange(): { readonly changed: Promise<void>; cancel(): void } {
    let wake: () => void = () => {}
    const changed = new Promise<void>((resolve) => {
      wake = resolve
    })
    if (this.#closed) wake()
    else {
      this.#waiters.add(wake)
      this.#schedule()
    }
    return {
      changed,
      cancel: () => {
        this.#waiters.delete(wake)
      },
    }
  }

  get closed(): boolean {
    return this.#closed
  }

  /** Wakes every waiter (their readers answer at once) and stops the poller. */
  async close(): Promise<void> {
    this.#closed = true
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#timer = undefined
    this.#wakeAll()
    await this.#o.publisher?.close()
  }

  #schedule(): void {
    if (this.#closed || this.#timer !== undefined || this.#polling) return
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      void this.#poll()
    }, this.#o.pollIntervalMs)
    this.#timer.unref()
  }

  async #poll(): Promise<void> {
    this.#polling = true
    try {
      const page =
        this.#pollerCursor === undefined
          ? await this.read({ sinceMicros: undefined })
          : await this.read({ cursor: this.#pollerCursor })
      const first = this.#pollerCursor === undefined
      this.#pollerCursor = page.cursor
      this.#readWarned = false
      // The first poll cannot tell what its waiters have read: it wakes them (they read again).
      if (page.events.length > 0 || first) this.#wakeAll()
      if (page.events.length > 0 && this.#o.publisher !== undefined) {
        try {
          await this.#o.publisher.publish(page.events)
          this.#publishWarned = false
        } catch (error) {
          if (!this.#publishWarned) {
            this.#o.warn?.(`revocation events not published to Redis: ${describe(error)}`)
          }
          this.#publishWarned = true
        }
      }
    } catch (error) {
      if (!this.#closed && !this.#readWarned) {
        this.#o.warn?.(`revocation events could not be read: ${describe(error)}`)
      }
      this.#readWarned = true
    } finally {
      this.#polling = false
    }
    if (this.#waiters.size > 0 || this.#o.publisher !== undefined) this.#schedule()
  }

  #wakeAll(): void {
    const waiters = this.#waiters
    this.#waiters = new Set()
    for (const wake of waiters) wake()
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
