/**
 * keystone/token/provider.py `random_urlsafe_str`: URL-safe base64 of 16 random bytes with the
 * `==` padding chopped, 22 characters. It is what the Fernet payload packs back into 16 bytes.
 * @module
 */
import { randomBytes } from 'node:crypto'

export function randomAuditId(): string {
  return randomBytes(16).toString('base64url')
}
