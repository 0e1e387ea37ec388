/**
 * `baton doctor` on the fleet (issue 17): max_active_keys against `[fernet_tokens]
 * rotation_interval` (Keystone FAQ formula), and, with the database key store, a node whose
 * heartbeat lacks a current key (it lags) and a node holding another KEK.
 * @module
 */
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { recordHeartbeat } from '../../../packages/identity/src/fleet/index.ts'
import { openDatabase } from '../../../packages/identity/src/store/index.ts'
import { runBaton } from '../cli_harness.ts'

type Finding = { severity: 'error' | 'warning'; section: string; option: string; problem: string }

test('doctor: rotation_interval needs max_active_keys per the FAQ; lagging nodes are named', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'baton-doctor-fleet-'))
  const conf = join(dir, 'identity.conf')
  writeFileSync(
    conf,
    [
      '[database]',
      `connection = sqlite:///${join(dir, 'identity.db')}`,
      '[token]',
      'expiration = 3600',
      'allow_expired_window = 7200',
      '[delegation]',
      'enabled = false',
      '[fernet_tokens]',
      'key_store = database',
      `key_encryption_key_file = ${join(dir, 'kek')}`,
      `key_repository = ${join(dir, 'none')}`,
      'max_active_keys = 4',
      'rotation_interval = 1800',
      '',
    ].join('\n'),
  )
  for (const args of [
    ['db', 'sync'],
    ['keys', 'setup'],
  ]) {
    const run = await runBaton([...args, '--config-file', conf])
    assert.equal(run.status, 0, run.stderr)
  }
  const database = openDatabase(`sqlite:///${join(dir, 'identity.db')}`)
  await recordHeartbeat(database, {
    nodeId: 'slow-node',
    address: '10.1.1.1:5000',
    intervalSeconds: 60,
    keyStore: 'database',
    fingerprints: { fernet_tokens: [] },
    kekFingerprint: 'ffffffffffffffff',
    version: 'test',
    now: Date.now(),
  })
  await database.close()
  const run = await runBaton(['doctor', '--format', 'json', '--config-file', conf])
  const findings = (JSON.parse(run.stdout) as { findings: Finding[] }).findings
  const sizing = findings.find((f) => f.option === 'max_active_keys')
  // (3600 + 7200) / 1800 + 2 = 8
  assert.match(sizing?.problem ?? '', /max_active_keys >= 8 \(Keystone FAQ/)
  assert.equal(sizing?.severity, 'error')
  const lag = findings.find((f) => f.section === 'fleet' && /lags/.test(f.problem))
  assert.match(lag?.problem ?? '', /node slow-node \(10\.1\.1\.1:5000\) lags/)
  const kek = findings.find((f) => f.section === 'fleet' && /key-encryption key/.test(f.problem))
  assert.match(kek?.problem ?? '', /slow-node holds a different key-encryption key/)
  assert.equal(
    findings.some((f) => f.option === 'key_repository'),
    false,
    'no key directory is looked for with the database key store',
  )
})
