/**
 * The fleet harness's key sharing in files mode, without processes: the rsync stand-in leaves a
 * node's repository equal to the source's (stale keys removed, nothing half-copied left behind),
 * a node given the copy accepts what the source's primary key encrypts, `max_active_keys` is
 * sized so that baton's rotation guard never refuses at the harness's pace, and the mode flag is
 * read as documented.
 */
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { loadKeys, MultiFernet, rotateKeyRepository, setupKeyRepository } from '@baton/fernet'
import {
  chooseKeyMode,
  copyKeyRepository,
  databaseKeyStoreAvailable,
  maxActiveKeys,
} from '../support/fleet_keys.ts'

const quiet = { warn() {}, info() {} }

function repos() {
  const dir = mkdtempSync(join(tmpdir(), 'baton-fleet-keys-'))
  const source = join(dir, 'source')
  const target = join(dir, 'target')
  mkdirSync(target, { mode: 0o700 })
  return { dir, source, target }
}

test('copyKeyRepository: the target ends equal to the source, stale keys gone, no scratch file inside', () => {
  const { dir, source, target } = repos()
  setupKeyRepository({ path: source, maxActiveKeys: 3, logger: quiet })
  writeFileSync(join(target, '7'), 'stale', { mode: 0o600 })
  copyKeyRepository(source, target, join(dir, 'incoming'))
  assert.deepEqual(readdirSync(target).sort(), readdirSync(source).sort())
  for (const name of readdirSync(source)) {
    assert.equal(readFileSync(join(target, name), 'utf8'), readFileSync(join(source, name), 'utf8'))
  }
  assert.deepEqual(readdirSync(join(dir, 'incoming')), [])
})

test('files mode: after rotate + copy, a node decrypts what the rotating node now encrypts', () => {
  const { dir, source, target } = repos()
  const timings = { expiration: 5, window: 10, rotationInterval: 3 }
  const max = maxActiveKeys(timings)
  let now = Date.UTC(2030, 0, 1)
  const clock = { now: () => now }
  setupKeyRepository({ path: source, maxActiveKeys: max, clock, logger: quiet })
  copyKeyRepository(source, target, join(dir, 'incoming'))
  for (let round = 0; round < max * 2; round += 1) {
    now += timings.rotationInterval * 1000
    // never forced: the guard must agree at this pace with this many keys
    rotateKeyRepository({
      path: source,
      maxActiveKeys: max,
      clock,
      logger: quiet,
      tokenExpiration: timings.expiration,
      allowExpiredWindow: timings.window,
    })
    // before the copy the target already has the new primary as its staged key (Keystone's order)
    const primary = new MultiFernet(
      loadKeys(source, { logger: quiet })
        .keys.map((k) => k.key)
        .slice(0, 1),
    )
    const token = primary.encrypt(Buffer.from(`round ${round}`))
    const targetKeys = () => loadKeys(target, { logger: quiet }).fernet
    assert.equal(targetKeys().decrypt(token).plaintext.toString(), `round ${round}`)
    copyKeyRepository(source, target, join(dir, 'incoming'))
    assert.equal(targetKeys().decrypt(token).plaintext.toString(), `round ${round}`)
  }
})

test('BATON_FLEET_KEYS: files, database (only when this build has key_store), default by availability', () => {
  assert.equal(chooseKeyMode('files').mode, 'files')
  assert.throws(() => chooseKeyMode('shared'), /files\|database/)
  const available = databaseKeyStoreAvailable()
  assert.equal(chooseKeyMode(undefined).mode, available ? 'database' : 'files')
  if (available) assert.equal(chooseKeyMode('database').mode, 'database')
  else assert.throws(() => chooseKeyMode('database'), /no \[fernet_tokens\] key_store/)
})
