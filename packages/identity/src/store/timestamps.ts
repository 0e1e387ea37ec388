/**
 * Timestamps as the store keeps them: integer microseconds since the Unix epoch (UTC), the same
 * BIGINT on SQLite and PostgreSQL. Microseconds, not milliseconds, because Keystone echoes entity
 * datetimes with microseconds (tempest sends `expires_at` from Python's `isoformat()` and compares
 * the response verbatim); Keystone itself stores them the same way (`DateTimeInt`).
 * @module
 */
import type { Clock } from '@baton/config'

/** Microseconds since 1970-01-01T00:00:00Z. Safe as a JS number until the year 2255. */
export type Micros = number

export { type Clock, systemClock } from '@baton/config'

export function nowMicros(clock: Clock): Micros {
  return Math.trunc(clock.now()) * 1000
}

export function microsFromDate(date: Date): Micros {
  return date.getTime() * 1000
}

/** Drops the sub-second part (Keystone truncates revocation times to the second). */
export function truncateToSecond(micros: Micros): Micros {
  return Math.floor(micros / 1_000_000) * 1_000_000
}

/**
 * Keystone's entity datetime rendering: `YYYY-MM-DDTHH:MM:SS.ffffff`, UTC, no zone suffix.
 * @example formatEntityTime(parseIsoTime('2030-02-27T18:30:59.123456')) // same string back
 */
export function formatEntityTime(micros: Micros): string {
  const seconds = Math.floor(micros / 1_000_000)
  const fraction = micros - seconds * 1_000_000
  const iso = new Date(seconds * 1000).toISOString() // YYYY-MM-DDTHH:MM:SS.000Z
  return `${iso.slice(0, 19)}.${String(fraction).padStart(6, '0')}`
}

const ISO_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(Z|[+-]\d{2}:?\d{2})?$/

/**
 * Parses an ISO 8601 datetime with up to six fractional digits; no zone means UTC (as Keystone
 * treats naive datetimes). Returns `undefined` for anything else, so callers choose the error.
 */
export function parseIsoTime(text: string): Micros | undefined {
  const m = ISO_TIME.exec(text)
  if (!m) return undefined
  const [, y, mo, d, h, mi, s, frac, zone] = m
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s))
  const check = new Date(ms)
  // Date.UTC rolls 2030-02-30 over to March; a real calendar date round-trips.
  if (check.getUTCDate() !== Number(d) || check.getUTCMonth() !== Number(mo) - 1) return undefined
  let offsetMinutes = 0
  if (zone !== undefined && zone !== 'Z') {
    const digits = zone.replace(':', '')
    const sign = digits.startsWith('-') ? -1 : 1
    offsetMinutes = sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)))
  }
  const micros = (frac ?? '').padEnd(6, '0')
  return (ms - offsetMinutes * 60_000) * 1000 + Number(micros)
}
