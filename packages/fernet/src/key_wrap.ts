/**
 * The key-encryption key (KEK) of a database key store: a local file (0600, owned by the process
 * user) holding 32 random bytes as a Fernet-style key, which wraps each Fernet key with
 * AES-256-GCM before it reaches the database. The key's repository, number and role are the
 * associated data, so a wrapped key moved to another row does not unwrap. A database dump alone
 * therefore forges nothing.
 * @module
 */

import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'
import { closeSync, fsyncSync, openSync, readFileSync, statSync, writeSync } from 'node:fs'
import { decodeBase64Url } from './base64url.ts'
import { FernetError, FernetErrorCode } from './errors.ts'
import { generateKey } from './key_text.ts'

export type KeyEncryptionKey = {
  readonly path: string
  /** First 16 hex of sha256("baton-kek/1" + key): names the KEK without revealing it. */
  readonly fingerprint: string
  /** The 32 key bytes; non-enumerable so logging the object does not reveal it. */
  readonly bytes: Buffer
}

const IV_BYTES = 12
const TAG_BYTES = 16
const WRAP_FORMAT = 'v1'

function kekError(message: string, cause?: unknown): FernetError {
  return new FernetError(
    FernetErrorCode.KeyEncryptionKey,
    message,
    cause === undefined ? undefined : { cause },
  )
}

/**
 * Reads and checks the KEK file: a regular file, mode 0600 or stricter, owned by this process'
 * user, holding url-safe base64 of 32 bytes. Throws one line naming the file otherwise; never
 * rewrites it.
 */
export function readKeyEncryptionKey(path: string): KeyEncryptionKey {
  let stats: ReturnType<typeof statSync>
  try {
    stats = statSync(path)
  } catch (error) {
    throw kekError(
      `key_encryption_key_file ${path} cannot be read (create it with \`baton keys setup\`)`,
      error,
    )
  }
  if (!stats.isFile()) throw kekError(`key_encryption_key_file ${path} is not a regular file`)
  if ((stats.mode & 0o077) !== 0) {
    const mode = (stats.mode & 0o777).toString(8).padStart(3, '0')
    throw kekError(
      `key_encryption_key_file ${path} has mode ${mode}, open to group/other; run: chmod 600 ${path}`,
    )
  }
  const uid = process.getuid?.()
  if (uid !== undefined && stats.uid !== uid) {
    throw kekError(
      `key_encryption_key_file ${path} is owned by uid ${stats.uid}, not by this process' user (uid ${uid})`,
    )
  }
  let text: string
  try {
    text = readFileSync(path, 'utf8').trim()
  } catch (error) {
    throw kekError(`key_encryption_key_file ${path} cannot be read`, error)
  }
  const bytes = decodeBase64Url(text)
  if (bytes?.length !== 32) {
    bytes?.fill(0)
    throw kekError(
      `key_encryption_key_file ${path} is not a key: expected url-safe base64 of 32 bytes`,
    )
  }
  return kekOf(path, Buffer.from(bytes))
}

function kekOf(path: string, bytes: Buffer): KeyEncryptionKey {
  const fingerprint = createHash('sha256')
    .update('baton-kek/1')
    .update(bytes)
    .digest('hex')
    .slice(0, 16)
  const kek = { path, fingerprint } as KeyEncryptionKey
  Object.defineProperty(kek, 'bytes', { value: bytes, enumerable: false })
  return Object.freeze(kek)
}

/** Creates the KEK file (exclusively, 0600); returns false when it already exists. */
export function createKeyEncryptionKeyFile(path: string): boolean {
  let fd: number
  try {
    fd = openSync(path, 'wx', 0o600)
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'EEXIST') return false
    throw kekError(`cannot create key_encryption_key_file ${path}`, error)
  }
  try {
    writeSync(fd, generateKey())
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  return true
}

/** What a wrapped key is bound to: moving it to another repository, number or role breaks it. */
export type WrapContext = { repository: string; number: number; role: string }

function associatedData(context: WrapContext): Buffer {
  return Buffer.from(`baton-fernet-key/1|${context.repository}|${context.number}|${context.role}`)
}

/** `v1.<base64url(iv | tag | ciphertext)>` of the key text. */
export function wrapKey(kek: KeyEncryptionKey, keyText: string, context: WrapContext): string {
  const iv = randomBytes(IV_BYTES)
  const cipher = createCipheriv('aes-256-gcm', kek.bytes, iv)
  cipher.setAAD(associatedData(context))
  const body = Buffer.concat([cipher.update(keyText, 'utf8'), cipher.final()])
  const wrapped = Buffer.concat([iv, cipher.getAuthTag(), body])
  return `${WRAP_FORMAT}.${wrapped.toString('base64url')}`
}

/** The key text, or a KeyEncryptionKey error when the KEK (or the row's context) does not match. */
export function unwrapKey(kek: KeyEncryptionKey, wrapped: string, context: WrapContext): string {
  const [format, body] = wrapped.split('.', 2)
  const raw = body === undefined ? Buffer.alloc(0) : Buffer.from(body, 'base64url')
  if (format !== WRAP_FORMAT || raw.length <= IV_BYTES + TAG_BYTES) {
    throw kekError(`the wrapped key ${context.number} of ${context.repository} is malformed`)
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', kek.bytes, raw.subarray(0, IV_BYTES))
    decipher.setAAD(associatedData(context))
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES))
    const text = Buffer.concat([
      decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)),
      decipher.final(),
    ])
    return text.toString('utf8')
  } catch (error) {
    throw kekError(
      `key_encryption_key_file ${kek.path} does not unwrap the database's ${context.repository} keys (a different KEK than the one they were wrapped with)`,
      error,
    )
  }
}
