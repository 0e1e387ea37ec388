/**
 * The middleware's subscription to identity's revocation events (`GET
 * /v3/OS-BATON/revocation-events`, a long-poll, with the middleware's own credentials and Session).
 * The first request asks for the events revoked within the retention (`since`), so entries a shared
 * cache may still hold are judged too; every later one resumes from the cursor of the previous
 * answer, so a reconnect (identity restarted, a network blip) misses nothing. Failures back off
 * (0.25 s doubling to 30 s, with jitter); the middleware keeps working meanwhile, its cached
 * validations then expiring by token_cache_time alone, as keystonemiddleware's do. That is logged
 * once when it starts and once when the stream is back. An identity without the endpoint (Keystone:
 * 404) or refusing the middleware's user (403) is retried every 5 minutes.
 * @module
 */
import type { Clock, EndpointFilter, Session } from '@baton/client'
import type { MiddlewareLogger } from '../logger.ts'
import { eventFactsOf, type RevocationEventFacts } from './revocation_match.ts'
import type { RevocationWindow } from './revocation_window.ts'

export const REVOCATION_EVENTS_PATH = 'OS-BATON/revocation-events'
const WAIT_SECONDS = 25
const FIRST_BACKOFF_MS = 250
const MAX_BACKOFF_MS = 30_000
const UNSUPPORTED_RETRY_MS = 300_000

export type RevocationSubscriberOptions = {
  readonly session: Session
  readonly identity: EndpointFilter
  readonly window: RevocationWindow
  readonly clock: Clock
  readonly logger: MiddlewareLogger
  /** How far back the first request reaches (ms): the window's retention. */
  readonly backlogMs: number
  /** Seconds identity may hold a request open (25). */
  readonly waitSeconds?: number
  /** Called after each answer has been applied (tests and the bench wait on it). */
  readonly onApplied?: (events: readonly RevocationEventFacts[]) => void
}

class Unsupported extends Error {}

export class RevocationSubscriber {
  readonly #o: RevocationSubscriberOptions
  #cursor: string | undefined
  #abort = new AbortController()
  #running: Promise<void> | undefined
  #closed = false
  #down = false
  #connected = false
  #wakeSleep: (() => void) | undefined

  constructor(o: RevocationSubscriberOptions) {
    this.#o = o
  }

  /** True once an answer came and no request has failed since. */
  get connected(): boolean {
    return this.#connected
  }

  start(): void {
    this.#running ??= this.#loop()
  }

  async close(): Promise<void> {
    this.#closed = true
    this.#abort.abort()
    this.#wakeSleep?.()
    await this.#running
  }

  async #loop(): Promise<void> {
    let backoff = FIRST_BACKOFF_MS
    while (!this.#closed) {
      try {
        await this.#once()
        backoff = FIRST_BACKOFF_MS
      } catch (error) {
        if (this.#closed) return
        this.#connected = false
        const unsupported = error instanceof Unsupported
        if (!this.#down) {
          this.#down = true
          this.#o.logger.warn(
            `revocation events: ${describe(error)}; cached validations expire by ` +
              'token_cache_time alone until the subscription is back (retrying)',
          )
        }
        const delay = unsupported ? UNSUPPORTED_RETRY_MS : backoff * (0.5 + Math.random() / 2)
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS)
        await this.#sleep(delay)
      }
    }
  }

  async #once(): Promise<void> {
    // the first request after (re)connecting answers at once: the backlog or replay, and a cursor
    const wait = this.#connected ? (this.#o.waitSeconds ?? WAIT_SECONDS) : 0
    const query: Record<string, string> = { wait: String(wait) }
    if (this.#cursor === undefined) {
      query.since = new Date(this.#o.clock.now() - this.#o.backlogMs).toISOString()
    } else query.cursor = this.#cursor
    const response = await this.#o.session.stream(REVOCATION_EVENTS_PATH, {
      method: 'GET',
      endpointFilter: this.#o.identity,
      query,
      accept: () => true,
      // a half-open connection must not hold the subscription forever
      signal: AbortSignal.any([this.#abort.signal, AbortSignal.timeout((wait + 15) * 1000)]),
    })
    const text = await response.text()
    if (response.status === 404 || response.status === 403) {
      throw new Unsupported(`identity answered ${response.status} to the subscription`)
    }
    if (response.status === 400 && this.#cursor !== undefined) {
      // identity no longer reads our cursor: start again from the backlog
      this.#cursor = undefined
      throw new Error('identity refused the cursor')
    }
    if (response.status !== 200) throw new Error(`identity answered ${response.status}`)
    const body = JSON.parse(text) as { events?: unknown; cursor?: unknown }
    if (!Array.isArray(body.events) || typeof body.cursor !== 'string') {
      throw new Error('unreadable answer')
    }
    const events = body.events
      .map(eventFactsOf)
      .filter((e): e is RevocationEventFacts => e !== undefined)
    this.#o.window.add(events)
    this.#cursor = body.cursor
    this.#connected = true
    if (this.#down) {
      this.#down = false
      this.#o.logger.info('revocation events: subscription restored')
    }
    this.#o.onApplied?.(events)
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms)
      timer.unref()
      function done(): void {
        clearTimeout(timer)
        resolve()
      }
      this.#wakeSleep = done
    })
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message
  return 'unexpected error'
}
