/**
 * `GET /v3/OS-BATON/keys` with `[fernet_tokens] key_store = database`: the key set the node loaded
 * from the database (no key file on disk), reported by fingerprint with the rotation's history,
 * and this node in the fleet holding the staged key.
 * @module
 */
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { loadConfig } from '@baton/config'
import { createIdentityServer, identityOptionGroups } from '../../../packages/identity/src/index.ts'
import { runBaton } from '../../cli/cli_harness.ts'
import { passwordLogin } from '../../support/login.ts'

test('the database key store: keys by fingerprint after a rotation, the node in the fleet', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'baton-keys-api-db-'))
  const conf = join(dir, 'keystone.conf')
  writeFileSync(
    conf,
    [
      '[database]',
      `connection = sqlite:///${join(dir, 'identity.db')}`,
      '[fernet_tokens]',
      'key_store = database',
      `key_encryption_key_file = ${join(dir, 'kek')}`,
      `key_repository = ${join(dir, 'fernet-keys')}`,
      '[credential]',
      `key_repository = ${join(dir, 'credential-keys')}`,
      '[identity]',
      'password_hash_rounds = 4',
      '',
    ].join('\n'),
  )
  for (const args of [
    ['db', 'sync'],
    ['keys', 'setup'],
    ['keys', 'rotate'],
    ['bootstrap', '--bootstrap-password', 'pw'],
  ]) {
    const run = await runBaton([...args, '--config-file', conf])
    assert.equal(run.status, 0, `${args.join(' ')}: ${run.stderr}`)
  }
  const server = await createIdentityServer(
    loadConfig({ files: [conf], groups: identityOptionGroups }),
    { address: '127.0.0.1:0' },
  )
  try {
    const url = await server.app.listen({ host: '127.0.0.1', port: 0 })
    const { token } = await passwordLogin(url, 'admin', 'pw', 'admin')
    const res = await fetch(`${url}/v3/OS-BATON/keys`, { headers: { 'x-auth-token': token } })
    assert.equal(res.status, 200)
    const body = (await res.json()) as {
      key_store: string
      token_keys: {
        keys: { index: number; role: string; fingerprint: string; promoted_at: string | null }[]
      }
      fleet: { nodes: { holds_staged_key: boolean | null }[]; lagging: string[] }
    }
    assert.equal(body.key_store, 'database')
    assert.deepEqual(
      body.token_keys.keys.map((key) => [key.index, key.role]),
      [
        [2, 'primary'],
        [1, 'secondary'],
        [0, 'staged'],
      ],
    )
    assert.ok(body.token_keys.keys[0]?.promoted_at !== null, 'the rotation is in the history')
    assert.equal(body.fleet.nodes.length, 1)
    assert.equal(body.fleet.nodes[0]?.holds_staged_key, true)
    assert.deepEqual(body.fleet.lagging, [])
  } finally {
    await server.close()
  }
})
