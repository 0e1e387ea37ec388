/**
 * Keystone's credential rules between the API and the store (keystone/api/credentials.py,
 * keystone/credential/core.py, keystone/credential/schema.py): the create and update schemas, an
 * EC2 credential's ID (the SHA-256 of its access key), how a blob is encrypted (an `ec2` blob as
 * `json.dumps(blob)`, any other as is; an update always as is, as Keystone's manager does) and
 * read back, and the OS-EC2 view of a credential.
 * @module
 */
import { createHash, randomUUID } from 'node:crypto'
import { pyRepr } from '@baton/config'
import { expectingToFind, ValidationError } from '../../errors.ts'
import type { JsonObject, StoredCredential } from '../../store/index.ts'
import { isObject } from '../py_values.ts'
import { type Schema, validate } from '../resources/schema_validator.ts'
import type { CredentialCrypto } from './credential_crypto.ts'
import { pyJsonDumps } from './py_json.ts'

export const EC2 = 'ec2'

/** The model's columns (everything else goes to `extra`). */
export const CREDENTIAL_ATTRIBUTES = [
  'id',
  'user_id',
  'project_id',
  'encrypted_blob',
  'type',
  'key_hash',
  'blob',
] as const

const createProperties: Schema = {
  type: 'object',
  properties: {
    blob: { type: 'string' },
    project_id: { type: 'string' },
    type: { type: 'string' },
    user_id: { type: 'string' },
  },
  additionalProperties: true,
}

const updateSchema: Schema = {
  type: 'object',
  properties: { blob: { type: 'string' } },
  additionalProperties: false,
  required: ['blob'],
}

/** `credential_create`, its `oneOf` included: an `ec2` credential needs a project_id. */
export function validateCredentialCreate(body: unknown): asserts body is Record<string, unknown> {
  validate(createProperties, body)
  const ref = body as Record<string, unknown>
  const required =
    ref.type === EC2 ? ['blob', 'type', 'user_id', 'project_id'] : ['blob', 'type', 'user_id']
  if (required.some((key) => !Object.hasOwn(ref, key))) {
    throw new ValidationError(`${pyRepr(ref)} is not valid under any of the given schemas`)
  }
}

export function validateCredentialUpdate(body: unknown): asserts body is { blob: string } {
  validate(updateSchema, body)
}

/** `utils.hash_access_key`. */
export function hashAccessKey(access: string): string {
  return createHash('sha256').update(access, 'utf8').digest('hex')
}

/** `_validate_blob_json`: an EC2 blob is a JSON object with an `access`. */
export function ec2BlobOf(blob: unknown): Record<string, unknown> {
  let parsed: unknown
  try {
    parsed = JSON.parse(String(blob))
  } catch {
    throw new ValidationError('Invalid blob in credential')
  }
  if (!isObject(parsed) || Object.keys(parsed).length === 0) {
    throw expectingToFind('blob', 'credential')
  }
  if (parsed.access === undefined || parsed.access === null) {
    throw expectingToFind('access', 'credential')
  }
  return parsed
}

/** `_assign_unique_id`: `type` compared lower-cased here (not in the schema), as Keystone does. */
export function credentialIdFor(ref: Record<string, unknown>): string {
  if (typeof ref.type === 'string' && ref.type.toLowerCase() === EC2) {
    return hashAccessKey(String(ec2BlobOf(ref.blob).access))
  }
  return randomUUID().replaceAll('-', '')
}

/** `_encrypt_credential`: the manager compares the type exactly. */
export function encryptBlob(crypto: CredentialCrypto, type: string | undefined, blob: string) {
  return crypto.encrypt(type === EC2 ? pyJsonDumps(blob) : blob)
}

/**
 * `_decrypt_credential` then `_blob_to_json`: an `ec2` plaintext is JSON (normally of a string;
 * of an object after an update or from an old Keystone), rendered as a string either way.
 */
export function blobOf(crypto: CredentialCrypto, stored: StoredCredential): string {
  const plaintext = crypto.decrypt(stored.encryptedBlob)
  if (stored.type !== EC2) return plaintext
  let decoded: unknown
  try {
    decoded = JSON.parse(plaintext)
  } catch {
    return plaintext
  }
  return typeof decoded === 'string' ? decoded : pyJsonDumps(decoded)
}

export function renderCredential(stored: StoredCredential, blob: string): Record<string, unknown> {
  return {
    ...stored.extra,
    id: stored.id,
    user_id: stored.userId,
    project_id: stored.projectId,
    type: stored.type,
    blob,
  }
}

/** `_validate_blob_update_keys`: an EC2 blob's scope keys never change. */
export function assertEc2ScopeKept(stored: StoredCredential, oldBlob: string, newBlob: string) {
  if (stored.type.toLowerCase() !== EC2) return
  const next = ec2BlobOf(newBlob)
  let old: unknown
  try {
    old = JSON.parse(oldBlob)
  } catch {
    old = {}
  }
  const previous = isObject(old) ? old : {}
  for (const key of ['trust_id', 'app_cred_id', 'access_token_id', 'access_id']) {
    if (JSON.stringify(previous[key] ?? null) !== JSON.stringify(next[key] ?? null)) {
      throw new ValidationError(`${key} can not be updated for credential`)
    }
  }
}

export type Ec2View = {
  user_id: string
  tenant_id: string | null
  access: unknown
  secret: unknown
  trust_id: unknown
}

/** The blob's fields (`jsonutils.loads(blob)`); anything unreadable reads as empty. */
export function ec2Fields(blob: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(blob)
    return isObject(parsed) ? parsed : {}
  } catch {
    return {}
  }
}

/** `_convert_v3_to_ec2_credential`. */
export function ec2View(stored: StoredCredential, blob: string): Ec2View {
  const fields = ec2Fields(blob)
  return {
    user_id: stored.userId,
    tenant_id: stored.projectId,
    access: fields.access ?? null,
    secret: fields.secret ?? null,
    trust_id: fields.trust_id ?? null,
  }
}

export type NewCredential = {
  readonly id: string
  readonly userId: string
  readonly projectId: string | null
  readonly type: string
  readonly blob: string
  readonly extra: JsonObject
}

export function sealCredential(crypto: CredentialCrypto, input: NewCredential): StoredCredential {
  const { encryptedBlob, keyHash } = encryptBlob(crypto, input.type, input.blob)
  return {
    id: input.id,
    userId: input.userId,
    projectId: input.projectId,
    type: input.type,
    encryptedBlob,
    keyHash,
    extra: input.extra,
  }
}
