/**
 * A token's bytes from its text, as keystone reads it (`restore_padding`, then base64 decoding),
 * taking only the canonical spelling: Python's lenient b64decode would also take stray characters,
 * surplus `=`, `+` and `/`, and non-zero unused bits, each an alias of a real token. The bytes are
 * decoded once, here, and handed to Fernet as they are.
 * @module
 */

const EQUALS = 0x3d
// The alphabet, then any `=`; how many `=` are allowed is counted separately.
const SHAPE = /^[A-Za-z0-9_-]*=*$/

/** base64url alphabet value per char code below 128 (only alphabet characters are looked up). */
const ALPHABET_VALUE = new Uint8Array(128)
for (const [value, char] of [
  ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_',
].entries()) {
  ALPHABET_VALUE[char.charCodeAt(0)] = value
}

/** The decoded bytes, or undefined when `token` is not canonical unpadded or padded base64url. */
export function tokenBytes(token: string): Buffer | undefined {
  let end = token.length
  while (end > 0 && token.charCodeAt(end - 1) === EQUALS) end--
  // restore_padding appends (4 - len % 4) % 4 `=`; canonical base64 ends in at most two.
  const padding = token.length - end + ((4 - (token.length % 4)) % 4)
  // The last character's bits past the data (4 of them after 2 chars, 2 after 3) must be zero;
  // re-encoding the bytes would give back exactly this spelling.
  const unusedBits = end % 4 === 2 ? 0x0f : end % 4 === 3 ? 0x03 : 0
  const last = end === 0 ? 0 : (ALPHABET_VALUE[token.charCodeAt(end - 1)] ?? 0)
  if (!SHAPE.test(token) || padding > 2 || end % 4 === 1 || (last & unusedBits) !== 0) {
    return undefined
  }
  return Buffer.from(end === token.length ? token : token.slice(0, end), 'base64url')
}
