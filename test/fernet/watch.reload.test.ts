/**
 * WatchedKeyRepository: follows rotations and distributions without a restart, checks the disk
 * at most once per interval (injected clock), keeps the last good keys when a reload fails.
 * @module
 */

import assert from 'node:assert/strict'
import { mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import {
  Fernet,
  FernetError,
  generateKey,
  loadKeys,
  rotateKeyRepository,
  setupKeyRepository,
  WatchedKeyRepository,
} from '../../packages/fernet/src/index.ts'
import { recordingLogger, tempRepository, testClock } from './helpers.ts'

const rotate = (path: string) =>
  rotateKeyRepository({ path, maxActiveKeys: 3, tokenExpiration: 0, allowExpiredWindow: 0 })

function primaryOf(watched: WatchedKeyRepository): string | undefined {
  return watched.keys()[0]?.fingerprint
}

test('picks up a rotation underneath it via the stat fallback, at most once per interval', () => {
  const repo = tempRepository()
  const clock = testClock()
  setupKeyRepository({ path: repo.path, maxActiveKeys: 3 })
  const watched = new WatchedKeyRepository(repo.path, {
    clock,
    watch: false,
    logger: recordingLogger(),
  })
  try {
    const before = watched.current()
    const oldPrimary = primaryOf(watched)
    const result = rotate(repo.path)
    clock.advance(999)
    assert.equal(watched.current(), before, 'within the interval: no disk check, same keys')
    assert.equal(primaryOf(watched), oldPrimary)
    clock.advance(1)
    const after = watched.current()
    assert.notEqual(after, before)
    assert.equal(primaryOf(watched), result.promoted.fingerprint)
    // The new primary encrypts; old tokens still decrypt.
    const primaryKey = loadKeys(repo.path).keys[0]?.key ?? ''
    assert.equal(
      new Fernet(primaryKey).decrypt(after.encrypt(Buffer.from('x'))).plaintext.toString(),
      'x',
    )
    assert.equal(after.decrypt(before.encrypt(Buffer.from('old'))).plaintext.toString(), 'old')
    clock.advance(5_000)
    assert.equal(watched.current(), after, 'nothing changed: the same MultiFernet')
  } finally {
    watched.close()
    repo.cleanup()
  }
})

test('a failed reload keeps the previous keys, logs once, and recovers when the file is fixed', () => {
  const repo = tempRepository()
  const clock = testClock()
  setupKeyRepository({ path: repo.path, maxActiveKeys: 3 })
  const logger = recordingLogger()
  const watched = new WatchedKeyRepository(repo.path, { clock, watch: false, logger })
  try {
    const good = watched.current()
    const key = generateKey()
    writeFileSync(join(repo.path, '7'), key.slice(0, 20)) // half-copied by rsync
    for (let i = 0; i < 3; i++) {
      clock.advance(1000)
      assert.equal(watched.current(), good)
    }
    assert.equal(logger.warnings.filter((line) => line.includes('reload failed')).length, 1)
    assert.ok(!logger.warnings.some((line) => line.includes(key.slice(0, 20))))
    writeFileSync(join(repo.path, '7'), key) // completed in place: the directory mtime may not move
    clock.advance(1000)
    assert.notEqual(watched.current(), good)
    assert.equal(watched.keys()[0]?.number, 7)
  } finally {
    watched.close()
    repo.cleanup()
  }
})

test('a replaced directory (mv of a new repository) is followed', () => {
  const repo = tempRepository()
  const clock = testClock()
  setupKeyRepository({ path: repo.path, maxActiveKeys: 3 })
  const watched = new WatchedKeyRepository(repo.path, {
    clock,
    watch: false,
    logger: recordingLogger(),
  })
  try {
    const staging = `${repo.path}.new`
    setupKeyRepository({ path: staging, maxActiveKeys: 3 })
    const expected = loadKeys(staging).keys[0]?.fingerprint
    renameSync(repo.path, `${repo.path}.old`)
    renameSync(staging, repo.path)
    clock.advance(1000)
    assert.equal(primaryOf(watched), expected)
  } finally {
    watched.close()
    repo.cleanup()
  }
})

test('fs.watch notices a rotation without waiting for the recheck interval', async () => {
  const repo = tempRepository()
  const clock = testClock()
  setupKeyRepository({ path: repo.path, maxActiveKeys: 3 })
  // A frozen clock and a huge interval: only the watcher can trigger the reload.
  const watched = new WatchedKeyRepository(repo.path, {
    clock,
    recheckIntervalMs: Number.MAX_SAFE_INTEGER,
    debounceMs: 10,
    logger: recordingLogger(),
  })
  try {
    const { promoted } = rotate(repo.path)
    const deadline = Date.now() + 5_000
    while (primaryOf(watched) !== promoted.fingerprint && Date.now() < deadline) await sleep(10)
    assert.equal(primaryOf(watched), promoted.fingerprint)
  } finally {
    watched.close()
    repo.cleanup()
  }
})

test('the first load must succeed: errors surface from the constructor', () => {
  const repo = tempRepository()
  try {
    assert.throws(() => new WatchedKeyRepository(repo.path, { watch: false }), FernetError)
    mkdirSync(repo.path, { mode: 0o700 })
    assert.throws(() => new WatchedKeyRepository(repo.path, { watch: false }), FernetError)
  } finally {
    repo.cleanup()
  }
})
