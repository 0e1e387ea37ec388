/**
 * "Logged once-ish": a dead cache or a stream of tampered entries would otherwise write one line
 * per request. The first occurrence of each kind is logged, then at most one line per interval
 * with the count of what was suppressed. Callers pass messages that never contain a token.
 * @module
 */
import type { Clock } from '@baton/config'
import type { CacheLogger } from './types.ts'

const INTERVAL_MS = 60_000

export class ThrottledWarning {
  readonly #logger: CacheLogger
  readonly #clock: Clock
  readonly #last = new Map<string, { at: number; suppressed: number }>()

  constructor(logger: CacheLogger, clock: Clock) {
    this.#logger = logger
    this.#clock = clock
  }

  warn(kind: string, message: string): void {
    const now = this.#clock.now()
    const last = this.#last.get(kind)
    if (last !== undefined && now - last.at < INTERVAL_MS) {
      last.suppressed += 1
      return
    }
    const more = last !== undefined && last.suppressed > 0 ? ` (${last.suppressed} more since)` : ''
    this.#last.set(kind, { at: now, suppressed: 0 })
    this.#logger.warn(`${message}${more}`)
  }
}

/** An error's code and message, with any URL credentials (`//user:password@`) blanked out. */
export function describeError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error)
  const code =
    error instanceof Error && 'code' in error && typeof error.code === 'string'
      ? `${error.code}: `
      : ''
  const scrubbed = text.replace(/\/\/[^/@\s]*@/g, '//***@').slice(0, 200)
  return scrubbed.startsWith(code) ? scrubbed : `${code}${scrubbed}`
}
