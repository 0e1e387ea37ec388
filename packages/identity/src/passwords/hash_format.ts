/**
 * Shared parsing for modular-crypt hash strings (`$ident$params$salt$checksum`) and the one way
 * each parser fails. A stored hash that does not parse is a server-side data fault, not a wrong
 * password: it raises PasswordHashFormatError (500), as Keystone's ValueError does. Messages name
 * the format, never any part of the hash beyond a well-formed ident.
 * @module
 */

import { PasswordHashFormatError } from '../errors.ts'

/** The regular expression's captures, '' for optional groups that did not take part. */
export function fields(pattern: RegExp, text: string): string[] | null {
  const match = pattern.exec(text)
  return match === null ? null : match.slice(1).map((field) => field ?? '')
}

/**
 * A decimal field as passlib reads it: digits only, and no zero padding (ZeroPaddedRoundsError),
 * except for "0" itself. Anything else is NaN, which every range check then refuses.
 */
export function decimal(text: string): number {
  if (!/^(0|[1-9]\d*)$/.test(text)) return Number.NaN
  return Number(text)
}

export function inBounds(value: number, bounds: { min: number; max: number }): boolean {
  return Number.isSafeInteger(value) && value >= bounds.min && value <= bounds.max
}

export function malformedHash(format: string, cause?: unknown): PasswordHashFormatError {
  const message = `Malformed ${format} password hash`
  return cause === undefined
    ? new PasswordHashFormatError(message)
    : new PasswordHashFormatError(message, { cause })
}

/**
 * The ident Keystone dispatches on: the text up to the second `$` (`_get_hasher_from_ident`).
 * Returned only when it looks like an ident, so a garbled hash never reaches an error message.
 */
export function hashIdent(hash: string): string | null {
  const end = hash.indexOf('$', 1)
  if (!hash.startsWith('$') || end < 0) return null
  const ident = hash.slice(0, end + 1)
  return /^\$[0-9a-z-]{1,24}\$$/.test(ident) ? ident : null
}

export function unsupportedHash(ident: string | null): PasswordHashFormatError {
  // Keystone's wording (_get_hasher_from_ident's ValueError)
  return new PasswordHashFormatError(
    ident === null
      ? 'Unrecognized password hash format'
      : `Unsupported password hashing algorithm ident: ${ident}`,
  )
}
