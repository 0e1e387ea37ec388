/**
 * `baton credential setup|rotate|migrate` as keystone-manage's credential_* commands: rotate is
 * refused while a credential is encrypted with a non-primary key, migrate moves every one to the
 * primary, and the blobs still decrypt after each step.
 */
import assert from 'node:assert/strict'
import { appendFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { loadConfig } from '@baton/config'
import { identityOptionGroups, openCurrentStore } from '@baton/identity'
import { createCredentialCrypto } from '../../../packages/identity/src/core/credentials/credential_crypto.ts'
import { runBaton, scratchConfig } from '../cli_harness.ts'

test('setup, rotate (refused until migrated), migrate', async () => {
  const scratch = scratchConfig([])
  const keys = join(scratch.dir, 'credential-keys')
  appendFileSync(
    scratch.conf,
    `[database]\nconnection = sqlite:///${join(scratch.dir, 'identity.db')}\n` +
      `[credential]\nkey_repository = ${keys}\n`,
  )
  const baton = (...args: string[]) => runBaton([...args, '--config-file', scratch.conf])
  assert.equal((await baton('db', 'sync')).status, 0)
  const setup = await baton('credential', 'setup')
  assert.equal(setup.status, 0, setup.stderr)
  assert.match(setup.stdout, /^Created the credential key repository .*: 1 primary, 0 staged$/)
  assert.deepEqual(
    readdirSync(keys)
      .filter((n) => /^\d+$/.test(n))
      .sort(),
    ['0', '1'],
  )

  const config = loadConfig({ files: [scratch.conf], groups: identityOptionGroups })
  const crypto = createCredentialCrypto({ path: keys, logger: { warn() {} } })
  const opened = await openCurrentStore(config)
  const domain = await opened.store.resource.createDomain({ id: 'default', name: 'Default' })
  const user = await opened.store.identity.createUser({ name: 'u', domainId: domain.id })
  const sealed = crypto.encrypt('secret blob')
  await opened.store.credentials.create({
    id: 'c1',
    userId: user.id,
    projectId: null,
    type: 'cert',
    ...sealed,
    extra: {},
  })
  await opened.database.close()

  const first = await baton('credential', 'rotate')
  assert.equal(first.status, 0, first.stderr)
  assert.match(first.stdout, /^Rotated the credential keys: 2 primary, 1 secondary, 0 staged/)
  const refused = await baton('credential', 'rotate')
  assert.equal(refused.status, 1)
  assert.match(
    refused.stderr,
    /not all credentials are encrypted with the primary key \(1 are not\)/,
  )
  assert.match(refused.stderr, /baton credential migrate/)

  const migrated = await baton('credential', 'migrate')
  assert.equal(migrated.status, 0, migrated.stderr)
  assert.equal(migrated.stdout, 'Re-encrypted 1 credential(s) with the primary key.')
  const reopened = await openCurrentStore(config)
  const row = await reopened.store.credentials.get('c1')
  await reopened.database.close()
  assert.equal(row.keyHash, crypto.primaryKeyHash())
  assert.notEqual(row.keyHash, sealed.keyHash)
  assert.equal(crypto.decrypt(row.encryptedBlob), 'secret blob')

  assert.equal((await baton('credential', 'rotate')).status, 0)
  assert.deepEqual(
    readdirSync(keys)
      .filter((n) => /^\d+$/.test(n))
      .sort(),
    ['0', '2', '3'],
  )
  assert.equal(crypto.decrypt(row.encryptedBlob), 'secret blob', 'key 2 still opens it')
})
