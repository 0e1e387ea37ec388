/**
 * Key text: generation (pyca `Fernet.generate_key`), validation and fingerprints.
 * @module
 */

import { createHash, randomBytes } from 'node:crypto'
import { decodeBase64Url, encodeBase64Url } from './base64url.ts'

/** 44-char padded base64url of 32 random bytes, as keystone writes into key files. */
export function generateKey(): string {
  return encodeBase64Url(randomBytes(32))
}

/** True when `text` (already trimmed) is strict base64url of exactly 32 bytes. */
export function isValidKeyText(text: string): boolean {
  const bytes = decodeBase64Url(text)
  if (bytes === undefined) return false
  const ok = bytes.length === 32
  bytes.fill(0)
  return ok
}

/** Identifies a key in logs and metadata without revealing it: first 16 hex of sha256(key text). */
export function keyFingerprint(keyText: string): string {
  return createHash('sha256').update(keyText).digest('hex').slice(0, 16)
}
