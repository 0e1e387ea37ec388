/**
 * keystonemiddleware's cache keys and value envelope, byte for byte (`_cache.py`, `_memcache_crypt.py`),
 * so a Baton service and a Python service sharing a cache and a secret read each other's entries.
 * Keys never contain the token: a SHA-256 of it, or (MAC/ENCRYPT) a secret-keyed HMAC-SHA384 of it.
 * @module
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto'
import type { ValidationMode } from './types.ts'

/** A secured strategy; the uppercase spelling is what goes into the key derivation. */
export type ProtectedStrategy = 'MAC' | 'ENCRYPT'

/** `derive_keys`: d = HMAC-SHA384(secret, token ‖ strategy), split into three 16-byte keys. */
export type DerivedKeys = {
  readonly cacheKey: Buffer
  readonly mac: Buffer
  readonly encryption: Buffer
  readonly strategy: ProtectedStrategy
}

/** base64 of a 48-byte HMAC-SHA384: `DIGEST_LENGTH_B64`. */
const MAC_B64_LENGTH = 64
const IV_LENGTH = 16
const ALLOW_EXPIRED_SUFFIX = '/allow_expired'
const utf8 = new TextDecoder('utf-8', { fatal: true })
/** Both halves are base64; anything else was not written by an envelope (and latin1 could alias it). */
const ENVELOPE_CHARS = /^[A-Za-z0-9+/=]+$/

/**
 * keystonemiddleware uses the configured strategy string verbatim in the derivation (and encrypts
 * only when it is exactly `ENCRYPT`), so a lowercase `encrypt` there derives other keys and merely
 * MACs. Baton always derives with the uppercase name: configs spelled as documented interoperate.
 */
export function deriveKeys(
  token: string,
  secret: string,
  strategy: ProtectedStrategy,
): DerivedKeys {
  const d = createHmac('sha384', Buffer.from(secret, 'utf8'))
    .update(Buffer.from(token, 'utf8'))
    .update(Buffer.from(strategy, 'utf8'))
    .digest()
  return {
    cacheKey: d.subarray(0, 16),
    mac: d.subarray(16, 32),
    encryption: d.subarray(32, 48),
    strategy,
  }
}

/** `'tokens/%s' % _hash_key(token)`: hex SHA-256 of the UTF-8 token. */
export function plainCacheKey(token: string, mode: ValidationMode): string {
  const hex = createHash('sha256').update(token, 'utf8').digest('hex')
  return withMode(`tokens/${hex}`, mode)
}

/**
 * `'tokens/%s' % get_cache_key(keys)`. On Python 3 `get_cache_key` returns bytes, and `%s` of
 * bytes renders as `b'...'`, so keystonemiddleware's real key is `tokens/b'<base64>'`; Baton
 * writes the same characters so the two share entries.
 */
export function securedCacheKey(keys: DerivedKeys, mode: ValidationMode): string {
  return withMode(`tokens/b'${keys.cacheKey.toString('base64')}'`, mode)
}

/** allow_expired results never share an entry with strict ones (keystonemiddleware has no such mode). */
function withMode(key: string, mode: ValidationMode): string {
  return mode === 'allow_expired' ? `${key}${ALLOW_EXPIRED_SUFFIX}` : key
}

function sign(macKey: Buffer, b64data: string): string {
  return createHmac('sha384', macKey).update(b64data, 'latin1').digest('base64')
}

/** `protect_data`: [IV ‖ AES-128-CBC(PKCS7(data))], base64, prefixed by base64(HMAC-SHA384). */
export function protect(keys: DerivedKeys, data: string): string {
  let bytes = Buffer.from(data, 'utf8')
  if (keys.strategy === 'ENCRYPT') {
    const iv = randomBytes(IV_LENGTH)
    const cipher = createCipheriv('aes-128-cbc', keys.encryption, iv)
    bytes = Buffer.concat([iv, cipher.update(bytes), cipher.final()])
  }
  const b64 = bytes.toString('base64')
  return sign(keys.mac, b64) + b64
}

/** `unprotect_data`: the original text, or undefined when the MAC, cipher text or UTF-8 is bad. */
export function unprotect(keys: DerivedKeys, stored: string): string | undefined {
  if (stored.length < MAC_B64_LENGTH || !ENVELOPE_CHARS.test(stored)) return undefined
  const provided = Buffer.from(stored.slice(0, MAC_B64_LENGTH), 'latin1')
  const b64 = stored.slice(MAC_B64_LENGTH)
  const expected = Buffer.from(sign(keys.mac, b64), 'latin1')
  if (provided.length !== expected.length || !timingSafeEqual(provided, expected)) return undefined
  let bytes = Buffer.from(b64, 'base64')
  if (keys.strategy === 'ENCRYPT') {
    if (bytes.length < 2 * IV_LENGTH || bytes.length % IV_LENGTH !== 0) return undefined
    try {
      const decipher = createDecipheriv(
        'aes-128-cbc',
        keys.encryption,
        bytes.subarray(0, IV_LENGTH),
      )
      bytes = Buffer.concat([decipher.update(bytes.subarray(IV_LENGTH)), decipher.final()])
    } catch {
      return undefined // bad padding
    }
  }
  try {
    return utf8.decode(bytes)
  } catch {
    return undefined
  }
}
