/**
 * Repository files as keystone fernet_utils handles them: setup never overwrites `0`, empty and
 * non-numeric files are ignored, Python int() decides what is a key, 0600 files in a 0700 dir.
 * @module
 */

import assert from 'node:assert/strict'
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import {
  FernetErrorCode,
  generateKey,
  HISTORY_FILE,
  loadKeys,
  rotateKeyRepository,
  setupKeyRepository,
} from '../../packages/fernet/src/index.ts'
import { keyNumbers, recordingLogger, snapshot, tempRepository } from './helpers.ts'

type KeystoneFixture = {
  empty_file: {
    setup_then_empty_2: { loaded_before: number; numbers_after_rotate: number[]; size_of_2: number }
  }
  non_numeric: { max_active_keys: number; rotations: number; files_after: string[] }
  int_names: { name: string; int: number | null }[]
}
const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/keystone_rotation.json', import.meta.url), 'utf8'),
) as KeystoneFixture

const rotateOptions = { tokenExpiration: 0, allowExpiredWindow: 0 }
const mode = (path: string) => statSync(path).mode & 0o777

test('setup creates a 0700 directory with 0600 keys 0 and 1 and a 0600 history', () => {
  const repo = tempRepository()
  try {
    const nested = join(repo.path, 'deeper', 'keys')
    const result = setupKeyRepository({ path: nested, maxActiveKeys: 3, logger: recordingLogger() })
    assert.equal(result.created, true)
    assert.deepEqual(
      result.keys.map((key) => key.number),
      [1, 0],
    )
    assert.equal(mode(nested), 0o700)
    assert.deepEqual(readdirSync(nested).sort(), [HISTORY_FILE, '0', '1'].sort())
    for (const name of readdirSync(nested)) assert.equal(mode(join(nested, name)), 0o600, name)
    for (const name of ['0', '1'])
      assert.match(readFileSync(join(nested, name), 'utf8'), /^[A-Za-z0-9_-]{43}=$/)
    const rotated = rotateKeyRepository({ path: nested, maxActiveKeys: 3, ...rotateOptions })
    assert.equal(rotated.promoted.number, 2)
    for (const name of readdirSync(nested)) assert.equal(mode(join(nested, name)), 0o600, name)
  } finally {
    repo.cleanup()
  }
})

test('setup never overwrites an existing 0, not even an empty one (keystone F_OK check)', () => {
  const repo = tempRepository()
  try {
    setupKeyRepository({ path: repo.path, maxActiveKeys: 3 })
    const before = snapshot(repo.path)
    const logger = recordingLogger()
    const again = setupKeyRepository({ path: repo.path, maxActiveKeys: 3, logger })
    assert.equal(again.created, false)
    assert.deepEqual(
      again.keys.map((key) => key.number),
      [1, 0],
    )
    assert.deepEqual(snapshot(repo.path), before)
    assert.ok(logger.infos.some((line) => line.includes('already initialized')))

    const other = join(repo.path, '..', 'other')
    mkdirSync(other, { mode: 0o700 })
    writeFileSync(join(other, '0'), '')
    assert.equal(setupKeyRepository({ path: other, maxActiveKeys: 3, logger }).created, false)
    assert.deepEqual(readdirSync(other), ['0'])
  } finally {
    repo.cleanup()
  }
})

test('keystone test_rotation_empty_file: an empty 2 is skipped, then overwritten by the promotion', () => {
  const repo = tempRepository()
  try {
    const expected = fixture.empty_file.setup_then_empty_2
    setupKeyRepository({ path: repo.path, maxActiveKeys: 3 })
    writeFileSync(join(repo.path, '2'), '')
    const logger = recordingLogger()
    assert.equal(loadKeys(repo.path, { logger }).keys.length, expected.loaded_before)
    assert.ok(
      logger.warnings.some((line) => line.includes('empty key file') && line.endsWith('/2')),
    )
    rotateKeyRepository({ path: repo.path, maxActiveKeys: 3, ...rotateOptions, logger })
    assert.deepEqual(keyNumbers(repo.path), expected.numbers_after_rotate)
    assert.equal(statSync(join(repo.path, '2')).size, expected.size_of_2)
    assert.equal(loadKeys(repo.path, { logger }).keys.length, 3)
  } finally {
    repo.cleanup()
  }
})

test('non-numeric files are ignored with a warning and never purged (same files as keystone)', () => {
  const repo = tempRepository()
  try {
    const { max_active_keys: maxActiveKeys, rotations, files_after: expected } = fixture.non_numeric
    setupKeyRepository({ path: repo.path, maxActiveKeys })
    for (const name of ['99.bak', '~1', '0.tmp.old']) writeFileSync(join(repo.path, name), 'x')
    const logger = recordingLogger()
    for (let i = 0; i < rotations; i++) {
      rotateKeyRepository({ path: repo.path, maxActiveKeys, ...rotateOptions, logger })
    }
    const files = readdirSync(repo.path)
      .filter((name) => name !== HISTORY_FILE)
      .sort()
    assert.deepEqual(files, [...expected].sort())
    assert.ok(
      logger.warnings.some((line) => line.includes('non-numeric') && line.endsWith('99.bak')),
    )
    assert.ok(
      !logger.warnings.some((line) => line.includes(HISTORY_FILE)),
      'own sidecar is not warned about',
    )
  } finally {
    repo.cleanup()
  }
})

test("Python int() decides which names are keys (keystone's rule), checked against Python", () => {
  const key = generateKey()
  const logger = recordingLogger()
  for (const { name, int } of fixture.int_names) {
    if (name === '' || name.includes('/') || name.includes('\0')) continue
    const repo = tempRepository()
    try {
      mkdirSync(repo.path, { mode: 0o700 })
      writeFileSync(join(repo.path, name), key)
      const label = JSON.stringify(name)
      if (int === null) {
        assert.throws(
          () => loadKeys(repo.path, { logger }),
          { code: FernetErrorCode.NoKeys },
          label,
        )
      } else if (!Number.isSafeInteger(int)) {
        assert.throws(
          () => loadKeys(repo.path, { logger }),
          { code: FernetErrorCode.KeyFileName },
          label,
        )
      } else {
        assert.equal(loadKeys(repo.path, { logger }).keys[0]?.number, int, label)
      }
    } finally {
      repo.cleanup()
    }
  }
})

test('01 is key 1; both 1 and 01 is an ambiguous repository', () => {
  const repo = tempRepository()
  try {
    mkdirSync(repo.path, { mode: 0o700 })
    writeFileSync(join(repo.path, '01'), generateKey())
    writeFileSync(join(repo.path, '0'), `${generateKey()}\n`) // trailing newline is trimmed
    assert.deepEqual(
      loadKeys(repo.path).keys.map((key) => key.number),
      [1, 0],
    )
    writeFileSync(join(repo.path, '1'), generateKey())
    assert.throws(
      () => loadKeys(repo.path),
      (error: Error & { code?: string }) => {
        return error.code === FernetErrorCode.KeyFileName && /01.*1|1.*01/.test(error.message)
      },
    )
  } finally {
    repo.cleanup()
  }
})

test('a rotated repository keeps no key material in the history or in results', () => {
  const repo = tempRepository()
  try {
    const setup = setupKeyRepository({ path: repo.path, maxActiveKeys: 3 })
    const rotated = rotateKeyRepository({ path: repo.path, maxActiveKeys: 3, ...rotateOptions })
    const history = readFileSync(join(repo.path, HISTORY_FILE), 'utf8')
    const texts = JSON.stringify([setup, rotated, loadKeys(repo.path).keys])
    for (const key of loadKeys(repo.path).keys) {
      assert.ok(!history.includes(key.key))
      assert.ok(!texts.includes(key.key))
      assert.ok(history.includes(key.fingerprint))
    }
  } finally {
    repo.cleanup()
  }
})
