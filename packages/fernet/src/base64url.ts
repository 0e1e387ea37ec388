/**
 * Strict base64url (RFC 4648 §5) for tokens and keys.
 * Node's decoder silently skips foreign characters, so the shape is checked first.
 * @module
 */

// Alphabet characters followed by at most two `=`; the padding amount is checked below.
const SHAPE = /^[A-Za-z0-9_-]*={0,2}$/

/**
 * Decodes base64url with or without `=` padding (keystone strips it from tokens), rejecting
 * foreign characters, wrong padding (`===`, `A=`) and a data length ≡ 1 (mod 4).
 * Returns undefined rather than throwing so callers choose the error they report.
 */
export function decodeBase64Url(text: string): Buffer | undefined {
  if (!SHAPE.test(text)) return undefined
  let dataLength = text.length
  while (dataLength > 0 && text.charCodeAt(dataLength - 1) === 0x3d) dataLength--
  const remainder = dataLength % 4
  if (remainder === 1) return undefined
  const padding = text.length - dataLength
  if (padding !== 0 && padding !== 4 - remainder) return undefined
  return Buffer.from(text, 'base64url')
}

/** Padded base64url, as pyca's `urlsafe_b64encode` writes it. */
export function encodeBase64Url(bytes: Uint8Array): string {
  const buffer = Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)
  const text = buffer.toString('base64url')
  const padding = (4 - (text.length % 4)) % 4
  return padding === 0 ? text : text + '='.repeat(padding)
}
