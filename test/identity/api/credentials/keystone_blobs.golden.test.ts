/**
 * Credential rows the real Keystone 22 wrote (fixtures/keystone_credentials.py generate) decrypt
 * in Baton with the same key repository: every key, the null key of a Keystone that had no
 * repository yet, `key_hash` as Keystone computes it, and an `ec2` blob's plaintext byte for byte
 * (`json.dumps` of the blob string).
 */
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import {
  createCredentialCrypto,
  NULL_KEY,
} from '../../../../packages/identity/src/core/credentials/credential_crypto.ts'
import { blobOf } from '../../../../packages/identity/src/core/credentials/credential_records.ts'
import { pyJsonDumps } from '../../../../packages/identity/src/core/credentials/py_json.ts'
import type { StoredCredential } from '../../../../packages/identity/src/store/index.ts'

type Row = { type: string; blob: string; encrypted_blob: string; key_hash: string }
type Golden = {
  keys: Record<string, string>
  primary_key_hash: string
  rows: Row[]
  secondary_rows: Row[]
  null_key_rows: Row[]
}

const golden = JSON.parse(
  readFileSync(new URL('./fixtures/keystone_credentials.json', import.meta.url), 'utf8'),
) as Golden

export function keyRepository(keys: Record<string, string>): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'baton-credential-keys-')), 'credential-keys')
  mkdirSync(dir, { mode: 0o700 })
  for (const [name, key] of Object.entries(keys)) writeFileSync(join(dir, name), key)
  return dir
}

const stored = (row: Row): StoredCredential => ({
  id: 'c',
  userId: 'u',
  projectId: 'p',
  type: row.type,
  encryptedBlob: row.encrypted_blob,
  keyHash: row.key_hash,
  extra: {},
})

const quiet = { warn() {} }

test("Keystone's blobs decrypt with its key repository, secondary and null keys included", () => {
  const crypto = createCredentialCrypto({ path: keyRepository(golden.keys), logger: quiet })
  for (const row of [...golden.rows, ...golden.secondary_rows, ...golden.null_key_rows]) {
    assert.equal(blobOf(crypto, stored(row)), row.blob, row.type)
  }
  assert.equal(crypto.primaryKeyHash(), golden.primary_key_hash)
  for (const row of golden.rows) assert.equal(row.key_hash, golden.primary_key_hash)
  assert.notEqual(golden.secondary_rows[0]?.key_hash, golden.primary_key_hash)
})

test("an ec2 plaintext is Python's json.dumps of the blob, byte for byte", () => {
  const crypto = createCredentialCrypto({ path: keyRepository(golden.keys), logger: quiet })
  for (const row of golden.rows.filter((r) => r.type === 'ec2')) {
    assert.equal(crypto.decrypt(row.encrypted_blob), pyJsonDumps(row.blob))
  }
})

test('without a repository Baton encrypts with the null key and its hash, as Keystone does', () => {
  const missing = join(mkdtempSync(join(tmpdir(), 'baton-credential-none-')), 'absent')
  const warnings: string[] = []
  const crypto = createCredentialCrypto({
    path: missing,
    logger: { warn: (m) => warnings.push(m) },
  })
  const sealed = crypto.encrypt('x')
  assert.equal(sealed.keyHash, golden.null_key_rows[0]?.key_hash)
  assert.equal(crypto.decrypt(golden.null_key_rows[0]?.encrypted_blob ?? ''), 'before setup')
  assert.equal(NULL_KEY, 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=')
  assert.equal(warnings.length, 1)
  assert.equal(sealed.encryptedBlob.length % 4, 0, 'padded as pyca pads')
})
