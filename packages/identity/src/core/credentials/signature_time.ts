/**
 * `_check_timestamp` (keystone/api/_shared/EC2_S3_Resource.py): a signed request carrying a
 * timestamp (v2 `Timestamp`, v4 `X-Amz-Date` header or parameter) is refused once it is older than
 * `[credential] auth_ttl` minutes. Parsed as oslo's `parse_isotime` (iso8601) parses: basic or
 * extended form, a missing zone is UTC.
 * @module
 */
import { Unauthorized } from '../../errors.ts'
import { isObject } from '../py_values.ts'

const ISO =
  /^(\d{4})-?(\d{2})-?(\d{2})(?:[T ](\d{2}):?(\d{2})(?::?(\d{2})(?:[.,](\d+))?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/

/** Epoch ms, or undefined when iso8601 would not parse it. */
export function parseIsoTimestamp(text: string): number | undefined {
  const m = ISO.exec(text)
  if (!m) return undefined
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '0', zone = 'Z'] = m
  const ms = Number(`0.${frac}`) * 1000
  let at = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms)
  const check = new Date(at)
  if (check.getUTCDate() !== Number(d) || check.getUTCMonth() !== Number(mo) - 1) return undefined
  if (zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1
    const digits = zone.slice(1).replace(':', '')
    at -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0')) * 60_000
  }
  return at
}

export function checkSignatureTimestamp(
  credentials: Record<string, unknown>,
  nowMs: number,
  ttlMinutes: number,
): void {
  const params = isObject(credentials.params) ? credentials.params : {}
  const headers = isObject(credentials.headers) ? credentials.headers : {}
  const stamp = params.Timestamp || headers['X-Amz-Date'] || params['X-Amz-Date']
  if (!stamp) return
  const at = typeof stamp === 'string' ? parseIsoTimestamp(stamp) : undefined
  if (at === undefined) throw new Unauthorized('Credential timestamp is invalid.')
  if (nowMs > at + ttlMinutes * 60_000) throw new Unauthorized('Credential is expired')
}
