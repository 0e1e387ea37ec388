/**
 * keystone/token/provider.py `random_urlsafe_str`: URL-safe base64 of 16 random bytes with the
 * `==` padding chopped, 22 characters. It is what the Fernet payload packs back into 16 bytes.
 * @module
 */
import { pooledRandomBytes } from '@baton/fernet'

export function randomAuditId(): string {
  return pooledRandomBytes(16).toString('base64url')
}
