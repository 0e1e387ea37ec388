/**
 * keystone/auth/plugins/totp.py `_generate_totp_passcodes`, byte for byte: the credential blob is
 * a base32 secret, padded with `=` to a multiple of 8 and decoded as Python's strict
 * `base64.b32decode` does (upper-case alphabet only, only the paddings 0, 1, 3, 4 and 6); the key
 * must be at least 16 bytes (pyca's HOTP `enforce_key_length`); HMAC-SHA1, 6 digits, 30 s step,
 * the current window and `included_previous_windows` earlier ones. A secret Python would refuse
 * yields no passcodes here (Keystone skips such a credential).
 * @module
 */
import { createHmac } from 'node:crypto'
import type { EpochMs } from '@baton/config'

export const PASSCODE_LENGTH = 6
export const PASSCODE_TIME_PERIOD = 30
const MIN_KEY_BYTES = 16
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
const ALLOWED_PADDING = new Set([0, 1, 3, 4, 6])

/** `base64.b32decode(secret + '=' * pad)`; undefined where Python raises binascii.Error. */
export function pyB32Decode(secret: string): Buffer | undefined {
  let text = secret
  while (text.length % 8 !== 0) text += '='
  const stripped = text.replace(/=+$/, '')
  const padChars = text.length - stripped.length
  if (!ALLOWED_PADDING.has(padChars)) return undefined
  const bytes: number[] = []
  let acc = 0n
  let count = 0
  for (const char of stripped) {
    const value = ALPHABET.indexOf(char)
    if (value < 0) return undefined
    acc = (acc << 5n) | BigInt(value)
    count += 1
    if (count === 8) {
      for (let shift = 32n; shift >= 0n; shift -= 8n) bytes.push(Number((acc >> shift) & 0xffn))
      acc = 0n
      count = 0
    }
  }
  if (count > 0) {
    acc <<= 5n * BigInt(8 - count)
    const quantum: number[] = []
    for (let shift = 32n; shift >= 0n; shift -= 8n) quantum.push(Number((acc >> shift) & 0xffn))
    bytes.push(...quantum.slice(0, Math.floor((43 - 5 * padChars) / 8)))
  }
  return Buffer.from(bytes)
}

/** RFC 4226 HOTP over HMAC-SHA1, as pyca's `HOTP.generate`. */
export function hotp(key: Buffer, counter: bigint, digits = PASSCODE_LENGTH): string {
  const message = Buffer.alloc(8)
  message.writeBigUInt64BE(BigInt.asUintN(64, counter))
  const mac = createHmac('sha1', key).update(message).digest()
  const offset = (mac[mac.length - 1] as number) & 0x0f
  const binary = mac.readUInt32BE(offset) & 0x7fffffff
  return String(binary % 10 ** digits).padStart(digits, '0')
}

/** The passcodes Keystone accepts at `now` for this blob: current window first. */
export function totpPasscodes(blob: string, now: EpochMs, previousWindows: number): string[] {
  const key = pyB32Decode(blob)
  if (key === undefined || key.length < MIN_KEY_BYTES) return []
  // pyca: int(time / time_step); Keystone moves the timestamp back 30 s per earlier window
  const counter = BigInt(Math.floor(now / 1000 / PASSCODE_TIME_PERIOD))
  const passcodes: string[] = []
  for (let i = 0; i <= previousWindows; i++) passcodes.push(hotp(key, counter - BigInt(i)))
  return passcodes
}
