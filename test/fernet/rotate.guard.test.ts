/**
 * The rotation guard: refuses to purge a key that tokens inside expiration +
 * allow_expired_window may still need, says until when and what to change; `force` rotates
 * anyway and reports what breaks. Time comes from an injected clock.
 * @module
 */

import assert from 'node:assert/strict'
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import {
  FernetError,
  FernetErrorCode,
  generateKey,
  HISTORY_FILE,
  keyLifetime,
  keyRepositoryStatus,
  loadKeys,
  rotateKeyRepository,
  setupKeyRepository,
} from '../../packages/fernet/src/index.ts'
import {
  HOUR,
  keyNumbers,
  MS,
  recordingLogger,
  snapshot,
  tempRepository,
  testClock,
} from './helpers.ts'

function unsafe(check: (error: FernetError) => void) {
  return (error: unknown) => {
    assert.ok(error instanceof FernetError, String(error))
    assert.equal(error.code, FernetErrorCode.RotationUnsafe, error.message)
    check(error)
    return true
  }
}

test('refuses to purge a key still needed, names it, its deadline and the safe time; unchanged', () => {
  const repo = tempRepository()
  const clock = testClock()
  const start = clock.now()
  try {
    const options = {
      path: repo.path,
      maxActiveKeys: 3,
      tokenExpiration: HOUR,
      allowExpiredWindow: HOUR,
      clock,
    }
    setupKeyRepository(options)
    clock.advance(HOUR * MS)
    rotateKeyRepository(options) // 0,1,2: key 1 retires at start+1h, needed until start+3h
    clock.advance(HOUR * MS)
    const before = snapshot(repo.path)
    assert.throws(
      () => rotateKeyRepository(options),
      unsafe((error) => {
        assert.match(error.message, /key 1 \(fingerprint [0-9a-f]{16}\)/)
        assert.ok(
          error.message.includes(`needed until ${new Date(start + 3 * HOUR * MS).toISOString()}`),
        )
        assert.ok(
          error.message.includes(
            `earliest safe rotation: ${new Date(start + 3 * HOUR * MS).toISOString()}`,
          ),
        )
        // rotation period 1 h, (E + W) / R + 2 = 4
        assert.ok(error.message.includes('max_active_keys to at least 4'), error.message)
        assert.ok(error.message.includes('--force'))
      }),
    )
    assert.deepEqual(snapshot(repo.path), before)

    clock.advance(HOUR * MS - 1)
    assert.throws(() => rotateKeyRepository(options), { code: FernetErrorCode.RotationUnsafe })
    clock.advance(1) // exactly start + 3 h: every token key 1 encrypted is past its window
    const result = rotateKeyRepository(options)
    assert.equal(result.forced, false)
    assert.deepEqual(
      result.purged.map((key) => [key.number, key.status, key.neededUntil]),
      [[1, 'expired', start + 3 * HOUR * MS]],
    )
    assert.deepEqual(keyNumbers(repo.path), [0, 2, 3])
  } finally {
    repo.cleanup()
  }
})

test('max_active_keys=2 drops the primary at every rotation: never safe, force says what breaks', () => {
  const repo = tempRepository()
  const clock = testClock()
  try {
    const options = {
      path: repo.path,
      maxActiveKeys: 2,
      tokenExpiration: HOUR,
      allowExpiredWindow: 0,
      clock,
    }
    setupKeyRepository(options)
    clock.advance(100 * HOUR * MS)
    const status = keyRepositoryStatus(options)
    assert.equal(status.earliestSafeRotation, null)
    assert.ok(
      status.reasons.some((line) => line.includes('key 1') && line.includes('is the primary')),
    )
    const before = snapshot(repo.path)
    assert.throws(
      () => rotateKeyRepository(options),
      unsafe((error) => assert.match(error.message, /never with max_active_keys=2/)),
    )
    assert.deepEqual(snapshot(repo.path), before)

    const primary = loadKeys(repo.path).keys[0]
    const result = rotateKeyRepository({ ...options, force: true })
    assert.equal(result.forced, true)
    assert.deepEqual(result.broken, [
      {
        number: 1,
        fingerprint: primary?.fingerprint,
        status: 'needed',
        retiredAt: clock.now(),
        neededUntil: clock.now() + HOUR * MS,
      },
    ])
    assert.deepEqual(result.purged, result.broken)
    assert.deepEqual(keyNumbers(repo.path), [0, 2])
  } finally {
    repo.cleanup()
  }
})

test('unknown history (no record) is refused conservatively; status says so; force works', () => {
  const repo = tempRepository()
  const clock = testClock()
  try {
    const options = {
      path: repo.path,
      maxActiveKeys: 3,
      tokenExpiration: HOUR,
      allowExpiredWindow: 0,
      clock,
    }
    setupKeyRepository(options)
    clock.advance(24 * HOUR * MS)
    rotateKeyRepository(options)
    clock.advance(24 * HOUR * MS)
    rmSync(join(repo.path, HISTORY_FILE))
    const status = keyRepositoryStatus(options)
    assert.equal(status.earliestSafeRotation, null)
    assert.ok(status.reasons.some((line) => line.includes('key 1') && line.includes('unknown')))
    assert.throws(
      () => rotateKeyRepository(options),
      unsafe((error) => {
        assert.match(error.message, /key 1 .*unknown/)
        assert.match(error.message, /earliest safe rotation: unknown/)
      }),
    )
    const result = rotateKeyRepository({ ...options, force: true })
    assert.deepEqual(
      result.broken.map((key) => [key.number, key.status, key.neededUntil]),
      [[1, 'unknown', null]],
    )
    // From here on the history is complete again.
    clock.advance(24 * HOUR * MS)
    assert.equal(rotateKeyRepository(options).forced, false)
  } finally {
    repo.cleanup()
  }
})

test('a corrupt history counts as unknown, with a warning', () => {
  const repo = tempRepository()
  const clock = testClock()
  try {
    const options = {
      path: repo.path,
      maxActiveKeys: 3,
      tokenExpiration: 60,
      allowExpiredWindow: 0,
      clock,
    }
    setupKeyRepository(options)
    rotateKeyRepository({ ...options, force: true })
    writeFileSync(join(repo.path, HISTORY_FILE), '{ half written')
    const logger = recordingLogger()
    clock.advance(HOUR * MS)
    assert.throws(() => rotateKeyRepository({ ...options, logger }), {
      code: FernetErrorCode.RotationUnsafe,
    })
    assert.ok(logger.warnings.some((line) => line.includes('corrupt')))
  } finally {
    repo.cleanup()
  }
})

test('records are keyed by fingerprint: a rotation by another tool keeps the staged key history', () => {
  const repo = tempRepository()
  const clock = testClock()
  const start = clock.now()
  try {
    const options = {
      path: repo.path,
      maxActiveKeys: 4,
      tokenExpiration: HOUR,
      allowExpiredWindow: 0,
      clock,
    }
    setupKeyRepository(options)
    clock.advance(HOUR * MS)
    // keystone-manage fernet_rotate, by hand: 0 -> 2, new 0; it knows nothing of the history.
    renameSync(join(repo.path, '0'), join(repo.path, '2'))
    writeFileSync(join(repo.path, '0'), generateKey(), { mode: 0o600 })
    const status = keyRepositoryStatus(options)
    const byNumber = new Map(status.keys.map((key) => [key.number, key]))
    assert.equal(byNumber.get(2)?.role, 'primary')
    assert.equal(
      byNumber.get(2)?.createdAt,
      start,
      'created as staged by Baton, found by fingerprint',
    )
    assert.equal(byNumber.get(2)?.promotedAt, undefined)
    assert.equal(byNumber.get(1)?.retiredAt, undefined)
    assert.equal(byNumber.get(0)?.createdAt, undefined)
    // max_active_keys=4: the next rotation purges nothing, so it is safe although history has gaps.
    assert.equal(status.earliestSafeRotation, clock.now())
    rotateKeyRepository(options)
    const history = JSON.parse(readFileSync(join(repo.path, HISTORY_FILE), 'utf8')) as {
      keys: Record<string, unknown>
    }
    assert.equal(Object.keys(history.keys).length, 4)
    clock.advance(10 * HOUR * MS)
    // Now key 1 would be purged and nobody recorded when keystone-manage retired it.
    assert.throws(
      () => rotateKeyRepository(options),
      unsafe((error) => assert.match(error.message, /key 1 .*unknown/)),
    )
  } finally {
    repo.cleanup()
  }
})

test('keystone FAQ sizing: 24 h tokens, 6 h rotation need 6 keys; 6 never refuses, 5 does', () => {
  for (const maxActiveKeys of [5, 6]) {
    const repo = tempRepository()
    const clock = testClock()
    try {
      const options = {
        path: repo.path,
        maxActiveKeys,
        tokenExpiration: 24 * HOUR,
        allowExpiredWindow: 0,
        clock,
      }
      setupKeyRepository(options)
      let refused = 0
      let minimum: number | null = null
      for (let i = 0; i < 20; i++) {
        clock.advance(6 * HOUR * MS)
        minimum = keyRepositoryStatus(options).minMaxActiveKeys
        try {
          rotateKeyRepository(options)
        } catch (error) {
          assert.ok(error instanceof FernetError && error.code === FernetErrorCode.RotationUnsafe)
          assert.ok(error.message.includes('at least 6'), error.message)
          refused++
          rotateKeyRepository({ ...options, force: true })
        }
      }
      assert.equal(minimum, 6)
      if (maxActiveKeys === 6) assert.equal(refused, 0)
      else assert.ok(refused > 0)
    } finally {
      repo.cleanup()
    }
  }
})

test('a delegation lifetime longer than expiration + window keeps keys that long, and says why', () => {
  const repo = tempRepository()
  const clock = testClock()
  const start = clock.now()
  try {
    // window 0, user tokens for 1 h, but delegations may live 6 h ([delegation] max_lifetime)
    const base = { path: repo.path, maxActiveKeys: 3, tokenExpiration: HOUR, clock }
    const options = { ...base, allowExpiredWindow: 0, delegationLifetime: 6 * HOUR }
    setupKeyRepository(options)
    clock.advance(HOUR * MS)
    rotateKeyRepository(options) // key 1 retires at start+1h: needed until start+7h
    clock.advance(2 * HOUR * MS) // without delegations, key 1 would be safe to drop now
    assert.throws(
      () => rotateKeyRepository(options),
      unsafe((error) => {
        assert.ok(
          error.message.includes(`needed until ${new Date(start + 7 * HOUR * MS).toISOString()}`),
          error.message,
        )
        assert.ok(error.message.includes('[delegation] max_lifetime 21600 s'), error.message)
      }),
    )
    clock.advance(4 * HOUR * MS) // start + 7 h
    assert.equal(rotateKeyRepository(options).keys.length, 3)
  } finally {
    repo.cleanup()
  }
})

test('keyLifetime: the longer of expiration + window and the delegation lifetime', () => {
  assert.deepEqual(keyLifetime({ tokenExpiration: 3600, allowExpiredWindow: 7200 }), {
    seconds: 10800,
    label: 'expiration 3600 s + allow_expired_window 7200 s',
  })
  assert.equal(
    keyLifetime({ tokenExpiration: 3600, allowExpiredWindow: 7200, delegationLifetime: 9000 })
      .seconds,
    10800,
  )
  assert.equal(
    keyLifetime({ tokenExpiration: 3600, allowExpiredWindow: 0, delegationLifetime: 86400 })
      .seconds,
    86400,
  )
  assert.throws(
    () =>
      keyRepositoryStatus({
        path: '/nonexistent',
        maxActiveKeys: 3,
        tokenExpiration: 1,
        allowExpiredWindow: 0,
        delegationLifetime: -1,
      }),
    /delegationLifetime must be a number of seconds >= 0/,
  )
})
