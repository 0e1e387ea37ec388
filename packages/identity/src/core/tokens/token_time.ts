/**
 * Token time strings and the clock. Keystone renders token times as `isotime(subsecond=True)`:
 * whole seconds with `.000000Z` (keystone/common/utils.py), and compares them with a naive UTC
 * `utcnow()` that keeps its microseconds (keystone/token/provider.py `_is_valid_token`).
 * @module
 */
import { UnexpectedError } from '../../errors.ts'
import { parseIsoTime } from '../../store/index.ts'

/** `YYYY-MM-DDTHH:MM:SS.000000Z` for a time in milliseconds (sub-seconds dropped). */
export function keystoneTime(ms: number): string {
  const seconds = Math.floor(ms / 1000)
  return `${new Date(seconds * 1000).toISOString().slice(0, 19)}.000000Z`
}

/** Milliseconds since the epoch of a token time string; a malformed one is a server bug. */
export function keystoneTimeMs(text: string): number {
  const micros = parseIsoTime(text)
  if (micros === undefined) throw new UnexpectedError(`unreadable token time ${text}`)
  return Math.floor(micros / 1000)
}
