/**
 * keyRepositoryStatus: each key's role, fingerprint, age and history, the earliest safe time for
 * the next rotation; never key material.
 * @module
 */

import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  keyRepositoryStatus,
  loadKeys,
  rotateKeyRepository,
  setupKeyRepository,
} from '../../packages/fernet/src/index.ts'
import { HOUR, MS, tempRepository, testClock } from './helpers.ts'

test('status: roles, fingerprints, ages, and the earliest safe rotation; never key material', () => {
  const repo = tempRepository()
  const clock = testClock()
  const start = clock.now()
  try {
    const options = {
      path: repo.path,
      maxActiveKeys: 3,
      tokenExpiration: HOUR,
      allowExpiredWindow: 2 * HOUR,
      clock,
    }
    setupKeyRepository(options)
    clock.advance(HOUR * MS)
    rotateKeyRepository(options)
    clock.advance(HOUR * MS)
    const status = keyRepositoryStatus(options)
    assert.deepEqual(
      status.keys.map((key) => [key.number, key.role, key.ageSeconds]),
      [
        [2, 'primary', 2 * HOUR],
        [1, 'secondary', 2 * HOUR],
        [0, 'staged', HOUR],
      ],
    )
    assert.equal(status.keys[1]?.retiredAt, start + HOUR * MS)
    assert.equal(status.keys[0]?.promotedAt, start + HOUR * MS)
    assert.equal(status.earliestSafeRotation, start + 4 * HOUR * MS)
    const text = JSON.stringify(status)
    for (const key of loadKeys(repo.path).keys) assert.ok(!text.includes(key.key))
  } finally {
    repo.cleanup()
  }
})
