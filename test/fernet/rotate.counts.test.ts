/**
 * Rotation counts: keystone's test_rotation (sizes and numbers for max_active_keys 2..10) and
 * the numbers the real keystone fernet_utils produced (fixtures/generate_keystone.py).
 * @module
 */

import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import {
  Fernet,
  loadKeys,
  rotateKeyRepository,
  setupKeyRepository,
} from '../../packages/fernet/src/index.ts'
import { keyNumbers, recordingLogger, tempRepository } from './helpers.ts'

type KeystoneFixture = {
  keystone: string
  rotation: { max_active_keys: number; after_setup_then_each_rotation: number[][] }[]
  load_order: { max_active_keys: number; numbers: number[] }
}
const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/keystone_rotation.json', import.meta.url), 'utf8'),
) as KeystoneFixture

const logger = recordingLogger()
/** Keystone semantics without the guard: these tests are about the purge rule alone. */
const rotate = (path: string, maxActiveKeys: number) =>
  rotateKeyRepository({
    path,
    maxActiveKeys,
    tokenExpiration: 3600,
    allowExpiredWindow: 0,
    force: true,
    logger,
  })

function repositorySignature(path: string): string {
  return loadKeys(path, { logger })
    .keys.map((key) => key.fingerprint)
    .sort()
    .join(',')
}

test('keystone test_rotation: sizes and numbers for max_active_keys 2..10', () => {
  for (let maxActiveKeys = 2; maxActiveKeys <= 10; maxActiveKeys++) {
    const repo = tempRepository()
    try {
      const seen = new Set<string>()
      const assertState = (size: number, expected: number[]) => {
        assert.equal(keyNumbers(repo.path).length, size)
        assert.deepEqual(keyNumbers(repo.path), expected)
        const signature = repositorySignature(repo.path)
        assert.ok(!seen.has(signature), 'every rotation yields a new set of keys')
        seen.add(signature)
      }
      setupKeyRepository({ path: repo.path, maxActiveKeys, logger })
      const expected = [0, 1]
      let next = 2
      assertState(2, expected)
      for (let rotation = 0; rotation < maxActiveKeys - 2; rotation++) {
        rotate(repo.path, maxActiveKeys)
        expected.push(next++)
        assertState(rotation + 3, expected)
      }
      for (let rotation = 0; rotation < 10; rotation++) {
        rotate(repo.path, maxActiveKeys)
        expected.splice(1, 1)
        expected.push(next++)
        assertState(maxActiveKeys, expected)
      }
    } finally {
      repo.cleanup()
    }
  }
})

test(`same numbers as the real keystone (${fixture.keystone}) after setup and each rotation`, () => {
  assert.ok(fixture.rotation.length >= 9)
  for (const {
    max_active_keys: maxActiveKeys,
    after_setup_then_each_rotation: states,
  } of fixture.rotation) {
    const repo = tempRepository()
    try {
      setupKeyRepository({ path: repo.path, maxActiveKeys, logger })
      const observed = [keyNumbers(repo.path)]
      for (let i = 1; i < states.length; i++) {
        rotate(repo.path, maxActiveKeys)
        observed.push(keyNumbers(repo.path))
      }
      assert.deepEqual(observed, states, `max_active_keys=${maxActiveKeys}`)
    } finally {
      repo.cleanup()
    }
  }
})

test('loadKeys lists keys primary first, like keystone load_keys, and the primary encrypts', () => {
  const repo = tempRepository()
  try {
    const { max_active_keys: maxActiveKeys, numbers } = fixture.load_order
    setupKeyRepository({ path: repo.path, maxActiveKeys, logger })
    for (let i = 0; i < 3; i++) rotate(repo.path, maxActiveKeys)
    const { keys, fernet } = loadKeys(repo.path, { logger })
    assert.deepEqual(
      keys.map((key) => key.number),
      numbers,
    )
    const token = fernet.encrypt(Buffer.from('x'))
    const [primary, ...others] = keys
    assert.equal(new Fernet(primary?.key ?? '').decrypt(token).plaintext.toString(), 'x')
    for (const other of others) assert.throws(() => new Fernet(other.key).decrypt(token))
    for (const other of others) {
      assert.equal(
        fernet.decrypt(new Fernet(other.key).encrypt(Buffer.from('y'))).plaintext.toString(),
        'y',
      )
    }
  } finally {
    repo.cleanup()
  }
})
