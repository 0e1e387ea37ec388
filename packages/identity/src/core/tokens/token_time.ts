/**
 * Token time strings and the clock. Keystone renders token times as `isotime(subsecond=True)`:
 * whole seconds with `.000000Z` (keystone/common/utils.py), and compares them with a naive UTC
 * `utcnow()` that keeps its microseconds (keystone/token/provider.py `_is_valid_token`).
 *
 * Both conversions run on every token issued (the decoded strings become milliseconds, the model
 * renders them back) and see few distinct values: a rescope keeps its token's expiry, and the
 * tokens of one second share their issue time. So each keeps its last few answers.
 * @module
 */
import { UnexpectedError } from '../../errors.ts'
import { parseIsoTime } from '../../store/index.ts'

/** Answers kept per conversion; the memo starts afresh when full. */
const MEMO_SIZE = 64

const renderedSeconds = new Map<number, string>()
const parsedTexts = new Map<string, number>()

function remember<K, V>(memo: Map<K, V>, key: K, value: V): V {
  if (memo.size >= MEMO_SIZE) memo.clear()
  memo.set(key, value)
  return value
}

/** `YYYY-MM-DDTHH:MM:SS.000000Z` for a time in milliseconds (sub-seconds dropped). */
export function keystoneTime(ms: number): string {
  const seconds = Math.floor(ms / 1000)
  return (
    renderedSeconds.get(seconds) ??
    remember(
      renderedSeconds,
      seconds,
      `${new Date(seconds * 1000).toISOString().slice(0, 19)}.000000Z`,
    )
  )
}

/** Milliseconds since the epoch of a token time string; a malformed one is a server bug. */
export function keystoneTimeMs(text: string): number {
  const known = parsedTexts.get(text)
  if (known !== undefined) return known
  const micros = parseIsoTime(text)
  if (micros === undefined) throw new UnexpectedError(`unreadable token time ${text}`)
  return remember(parsedTexts, text, Math.floor(micros / 1000))
}
