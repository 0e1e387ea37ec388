/**
 * `baton keys` with `[fernet_tokens] key_store = database` on a SQLite identity database: setup
 * (the KEK file 0600 when missing, keys in the database, none on disk), rotate, status, export to
 * a Keystone repository (0700 / 0600) and import back; the refusals (a KEK open to others, a wrong
 * KEK, a lagging node with the files store too); and the server refusing to start on a wrong KEK.
 * @module
 */
import assert from 'node:assert/strict'
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { loadConfig } from '@baton/config'
import { generateKey } from '../../../packages/fernet/src/index.ts'
import { createIdentityServer, identityOptionGroups } from '../../../packages/identity/src/index.ts'
import { runBaton } from '../cli_harness.ts'

function scratch(lines: readonly string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), 'baton-keystore-'))
  const conf = join(dir, 'keystone.conf')
  const kek = join(dir, 'kek')
  const keys = join(dir, 'fernet-keys')
  writeFileSync(
    conf,
    [
      '[database]',
      `connection = sqlite:///${join(dir, 'identity.db')}`,
      '[fernet_tokens]',
      'key_store = database',
      `key_encryption_key_file = ${kek}`,
      `key_repository = ${keys}`,
      '[credential]',
      `key_repository = ${join(dir, 'credential-keys')}`,
      ...lines,
      '',
    ].join('\n'),
  )
  return { dir, conf, kek, keys }
}

async function ok(args: string[]) {
  const run = await runBaton(args)
  assert.equal(run.status, 0, `${args.join(' ')}: ${run.stderr}`)
  return run
}

test('setup, rotate, status, export and import on the database key store', async () => {
  const { dir, conf, kek, keys } = scratch()
  await ok(['db', 'sync', '--config-file', conf])
  const setup = await ok(['keys', 'setup', '--config-file', conf])
  assert.match(setup.stdout, /Created the key-encryption key .*kek \(mode 0600\)/)
  assert.match(setup.stdout, /Created the token keys in the database: 1 primary, 0 staged/)
  assert.equal(statSync(kek).mode & 0o777, 0o600)
  assert.equal(existsSync(keys), false, 'no key file on disk')
  const again = await ok(['keys', 'setup', '--config-file', conf])
  assert.match(again.stdout, /already holds token keys; nothing was overwritten/)
  assert.doesNotMatch(again.stdout, /Created the key-encryption key/)

  const rotated = await ok(['keys', 'rotate', '--config-file', conf])
  assert.match(rotated.stdout, /Promoted key 2 .* to primary/)
  assert.match(rotated.stdout, /generation 2\): 2 primary, 1 secondary, 0 staged/)
  const status = await ok(['keys', 'status', '--config-file', conf])
  assert.match(status.stdout, /generation 2, key-encryption key [0-9a-f]{16}/)
  assert.match(status.stdout, /^2 +primary/m)
  assert.match(status.stdout, /^0 +staged/m)

  const exported = join(dir, 'exported')
  await ok(['keys', 'export', '--to', exported, '--config-file', conf])
  assert.equal(statSync(exported).mode & 0o777, 0o700)
  assert.deepEqual(
    readdirSync(exported)
      .filter((name) => /^\d+$/.test(name))
      .sort(),
    ['0', '1', '2'],
  )
  for (const name of ['0', '1', '2']) {
    assert.equal(statSync(join(exported, name)).mode & 0o777, 0o600)
  }
  const refusedExport = await runBaton(['keys', 'export', '--to', exported, '--config-file', conf])
  assert.equal(refusedExport.status, 1)
  assert.match(refusedExport.stderr, /is not empty/)

  // a Keystone repository moves in, replacing the set
  const repo = join(dir, 'keystone-keys')
  mkdirSync(repo, { mode: 0o700 })
  writeFileSync(join(repo, '0'), generateKey(), { mode: 0o600 })
  writeFileSync(join(repo, '7'), generateKey(), { mode: 0o600 })
  const imported = await ok(['keys', 'import', '--from', repo, '--config-file', conf])
  assert.match(
    imported.stdout,
    /Imported 2 token keys .* \(replacing the keys it held\): 7 primary, 0 staged/,
  )
  const after = await ok(['keys', 'status', '--config-file', conf])
  assert.match(after.stdout, /^7 +primary/m)
})

test('a KEK open to others, or another KEK: one line naming the file, nothing written', async () => {
  const { conf, kek } = scratch()
  await ok(['db', 'sync', '--config-file', conf])
  await ok(['keys', 'setup', '--config-file', conf])
  chmodSync(kek, 0o644)
  const open = await runBaton(['keys', 'rotate', '--config-file', conf])
  assert.equal(open.status, 1)
  assert.match(
    open.stderr,
    /^baton: key_encryption_key_file .*kek has mode 644, open to group\/other/,
  )
  assert.equal(open.stderr.split('\n').length, 1)
  assert.equal(statSync(kek).mode & 0o777, 0o644, 'the file is not rewritten')

  writeFileSync(kek, generateKey(), { mode: 0o600 })
  chmodSync(kek, 0o600)
  const wrong = await runBaton(['keys', 'rotate', '--config-file', conf])
  assert.equal(wrong.status, 1)
  assert.match(wrong.stderr, /key_encryption_key_file .*kek .* is not the key-encryption key/)
  const server = createIdentityServer(loadConfig({ files: [conf], groups: identityOptionGroups }))
  await assert.rejects(server, (error: Error) => {
    assert.match(error.message, /key_encryption_key_file .*kek/)
    assert.equal(error.message.split('\n').length, 1)
    return true
  })
})

test('files key store: rotate refuses while a live node has not loaded the staged key', async () => {
  const { conf, keys } = scratch()
  // the files store, one node's heartbeat in the database holding only the primary
  writeFileSync(
    conf,
    `${readFileSync(conf, 'utf8').replace('key_store = database', 'key_store = files')}`,
  )
  await ok(['db', 'sync', '--config-file', conf])
  await ok(['keys', 'setup', '--config-file', conf])
  const { openDatabase } = await import('../../../packages/identity/src/store/index.ts')
  const { recordHeartbeat } = await import('../../../packages/identity/src/fleet/index.ts')
  const { readKeyFiles } = await import('../../../packages/fernet/src/index.ts')
  const primary = readKeyFiles(keys, { warn: () => {} })[0]?.fingerprint ?? ''
  const database = openDatabase(`sqlite:///${join(keys, '..', 'identity.db')}`)
  await recordHeartbeat(database, {
    nodeId: 'node-without-rsync',
    address: '10.0.0.2:5000',
    intervalSeconds: 60,
    keyStore: 'files',
    fingerprints: { fernet_tokens: [primary] },
    kekFingerprint: null,
    version: 'test',
    now: Date.now(),
  })
  await database.close()
  const refused = await runBaton(['keys', 'rotate', '--config-file', conf])
  assert.equal(refused.status, 1)
  assert.match(
    refused.stderr,
    /refusing to rotate: live node\(s\) node-without-rsync \(10\.0\.0\.2:5000\)/,
  )
  const status = await ok(['keys', 'status', '--config-file', conf])
  assert.match(status.stdout, /node-without-rsync .* LAGGING/)
  const forced = await ok(['keys', 'rotate', '--force', '--config-file', conf])
  assert.match(forced.stderr, /--force overrode the fleet check: live node\(s\) node-without-rsync/)
})

test('receipt keys of their own get a database set of their own; the server starts on both', async () => {
  const { dir, conf } = scratch([
    '[fernet_receipts]',
    `key_repository = ${join(mkdtempSync(join(tmpdir(), 'baton-receipts-')), 'unused')}`,
  ])
  await ok(['db', 'sync', '--config-file', conf])
  const setup = await ok(['keys', 'setup', '--config-file', conf])
  assert.match(setup.stdout, /Created the token keys in the database/)
  assert.match(setup.stdout, /Created the receipt keys in the database/)
  const receipts = await ok(['keys', 'rotate', '--receipts', '--config-file', conf])
  assert.match(receipts.stdout, /^Receipt keys: promoted key 2/)
  const status = await ok(['keys', 'status', '--receipts', '--config-file', conf])
  assert.match(status.stdout, /receipt keys in the database \(generation 2/)
  await ok(['credential', 'setup', '--config-file', conf])
  const server = await createIdentityServer(
    loadConfig({ files: [conf], groups: identityOptionGroups }),
    { address: '127.0.0.1:1', version: 'test' },
  )
  try {
    const after = await ok(['keys', 'status', '--receipts', '--config-file', conf])
    assert.match(after.stdout, /:1 +127\.0\.0\.1:1 +database +3 keys .* current/)
  } finally {
    await server.close()
  }
  assert.ok(dir)
})
