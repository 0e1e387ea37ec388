/**
 * Keystone's token times, reproduced to the bit.
 *
 * - In: `_convert_time_string_to_float` parses with oslo `parse_isotime` (the `iso8601` package;
 *   naive means UTC), normalizes to naive UTC and takes `timedelta.total_seconds()`: a float,
 *   microseconds / 10**6 rounded once.
 * - Out: `_convert_float_to_time_string` is `datetime.utcfromtimestamp(f)` (CPython rounds the
 *   fraction to microseconds half-even) then `isotime(subsecond=True)`, which zeroes the
 *   microseconds; `validate_token` re-parses that string, so years below 1000 (printed with fewer
 *   than 4 digits) fail there.
 * - Strings look like `2030-01-01T12:00:00.000000Z`.
 * @module
 */

import { ValidationError } from '../errors.ts'
import { trueDivide } from './py_division.ts'

// iso8601 2.x ISO8601_REGEX, same groups and backtracking. Python's `$` also matches before a
// final newline, hence `(?=\n?$)`. Groups: 1 year, 2-3 month, 4-5 day, 6 separator, 7 hour,
// 8 minute, 9 second, 10 fraction, 11 timezone, 12 sign, 13 tz hour, 14 tz minute.
const ISO8601 =
  /^([0-9]{4})(?:(?:-([0-9]{1,2})|([0-9]{2})(?!\n?$))(?:(?:-([0-9]{1,2})|([0-9]{2}))(?:([ T])([0-9]{2})(?::?([0-9]{2}))?(?::?([0-9]{1,2})(?:[.,]([0-9]+))?)?(Z|([-+])([0-9]{2}):?([0-9]{2})?)?)?)?)?(?=\n?$)/

/** 0001-01-01T00:00:00 and 9999-12-31T23:59:59: Python datetime's range, in epoch seconds. */
const PY_MIN_SECONDS = -62135596800
const PY_MAX_SECONDS = 253402300799
/** 1000-01-01T00:00:00: the earliest expiry whose isotime() Keystone can parse back. */
const REPARSE_MIN_SECONDS = -30610224000

// Howard Hinnant's days_from_civil (proleptic Gregorian), days since 1970-01-01.
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28
  return [4, 6, 9, 11].includes(month) ? 30 : 31
}

// iso8601: int(Decimal(f"0.{fraction}") * Decimal("1000000.0")) in the default 28-digit context.
function fractionToMicros(fraction: string): number {
  const coefficient = BigInt(fraction) * 10_000_000n // the 8 digits of Decimal("1000000.0")
  let exponent = -fraction.length - 1
  let digits = coefficient.toString()
  if (coefficient !== 0n && digits.length > 28) {
    const drop = digits.length - 28
    const scale = 10n ** BigInt(drop)
    let q = coefficient / scale
    const r = coefficient % scale
    const half = scale / 2n
    if (r > half || (r === half && q % 2n === 1n)) q += 1n
    digits = q.toString()
    exponent += drop
  }
  const value = BigInt(digits)
  return Number(exponent >= 0 ? value * 10n ** BigInt(exponent) : value / 10n ** BigInt(-exponent))
}

function timeError(input: string, reason: string): ValidationError {
  return new ValidationError(`Invalid time ${JSON.stringify(input)}: ${reason}`)
}

/** oslo `parse_isotime` + `normalize_time`: microseconds since the epoch, UTC. */
export function parseIsotimeMicros(input: string): bigint {
  const m = ISO8601.exec(input)
  if (m === null) throw timeError(input, 'not ISO 8601')
  const int = (i: number, fallback = 0): number => (m[i] === undefined ? fallback : Number(m[i]))
  const year = int(1)
  const month = m[2] !== undefined ? int(2) : int(3, 1)
  const day = m[4] !== undefined ? int(4) : int(5, 1)
  const [hour, minute, second] = [int(7), int(8), int(9)]
  const micros = m[10] === undefined ? 0 : fractionToMicros(m[10])
  // datetime(...) argument checks
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw timeError(input, 'day is out of range')
  }
  if (hour > 23 || minute > 59 || second > 59 || micros > 999_999) {
    throw timeError(input, 'time is out of range')
  }
  let offsetMinutes = 0
  if (m[11] !== undefined && m[11] !== 'Z') {
    offsetMinutes = (m[12] === '-' ? -1 : 1) * (int(13) * 60 + int(14))
    // datetime.timezone: strictly between -24h and +24h
    if (Math.abs(offsetMinutes) >= 24 * 60) throw timeError(input, 'offset out of range')
  }
  const local = daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second
  const utc = local - offsetMinutes * 60
  // normalize_time subtracts the offset from a naive datetime, which overflows past year 1/9999.
  if (utc < PY_MIN_SECONDS || utc > PY_MAX_SECONDS)
    throw timeError(input, 'date value out of range')
  return BigInt(utc) * 1_000_000n + BigInt(micros)
}

// The last string expiry converted: a re-scope keeps its token's expiry, so a session's tokens
// all carry the same one.
let lastExpiryText: string | undefined
let lastExpiryFloat = 0

/** keystone `_convert_time_string_to_float` (a Date counts as its milliseconds). */
export function expiresToFloat(expires: string | Date): number {
  if (typeof expires === 'string') {
    if (expires !== lastExpiryText) {
      lastExpiryFloat = trueDivide(parseIsotimeMicros(expires), 1_000_000n)
      lastExpiryText = expires
    }
    return lastExpiryFloat
  }
  const ms = expires.getTime()
  if (!Number.isFinite(ms)) throw new ValidationError('Invalid time: invalid Date')
  const seconds = Math.floor(ms / 1000)
  if (seconds < PY_MIN_SECONDS || seconds > PY_MAX_SECONDS) {
    throw new ValidationError('Invalid time: date value out of range')
  }
  return ms / 1000
}

/** "00".."59": the two-digit fields of a time of day. */
const TWO_DIGITS: readonly string[] = Array.from({ length: 60 }, (_, i) =>
  String(i).padStart(2, '0'),
)

// The day's `YYYY-MM-DDT` for the last two days asked: every token validation formats its issue
// and expiry times, which rarely fall on more than two days.
let dayA = Number.NaN
let prefixA = ''
let dayB = Number.NaN
let prefixB = ''

function dayPrefix(day: number): string {
  if (day === dayA) return prefixA
  if (day === dayB) return prefixB
  const prefix = new Date(day * 86_400_000).toISOString().slice(0, 11)
  dayB = dayA
  prefixB = prefixA
  dayA = day
  prefixA = prefix
  return prefix
}

/** `YYYY-MM-DDTHH:MM:SS.000000Z` for whole epoch seconds (isotime(subsecond=True)). */
export function isotime(seconds: number): string {
  if (!Number.isSafeInteger(seconds) || seconds < PY_MIN_SECONDS || seconds > PY_MAX_SECONDS) {
    throw new ValidationError('time out of range')
  }
  const day = Math.floor(seconds / 86_400)
  const time = seconds - day * 86_400
  const hour = TWO_DIGITS[Math.floor(time / 3600)] ?? ''
  const minute = TWO_DIGITS[Math.floor(time / 60) % 60] ?? ''
  const second = TWO_DIGITS[time % 60] ?? ''
  return `${dayPrefix(day)}${hour}:${minute}:${second}.000000Z`
}

// C round(): half away from zero.
function cRound(v: number): number {
  const t = Math.trunc(v)
  return Math.abs(v - t) >= 0.5 ? t + Math.sign(v) : t
}

// CPython _PyTime_RoundHalfEven over C round().
function roundHalfEven(x: number): number {
  const rounded = cRound(x)
  return Math.abs(x - rounded) === 0.5 ? 2 * cRound(x / 2) : rounded
}

/**
 * expires_at as `validate_token` reports it: utcfromtimestamp (CPython `_PyTime_DoubleToDenominator`
 * with half-even rounding to microseconds), seconds only, and only years 1000-9999.
 */
export function expiresFromFloat(value: number): string {
  if (!Number.isFinite(value)) throw new ValidationError('expires_at is not finite')
  let seconds = Math.trunc(value) // modf()
  const micros = roundHalfEven((value - seconds) * 1e6)
  if (micros >= 1e6) seconds += 1
  else if (micros < 0) seconds -= 1
  if (seconds < REPARSE_MIN_SECONDS || seconds > PY_MAX_SECONDS) {
    throw new ValidationError('expires_at is outside years 1000-9999')
  }
  return isotime(seconds)
}
