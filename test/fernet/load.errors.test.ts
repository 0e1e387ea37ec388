/**
 * Loading errors: each failure has its own FernetError code and names the path or key number,
 * never key contents. Baton refuses a group/other-accessible directory (keystone only warns).
 * @module
 */

import assert from 'node:assert/strict'
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import {
  FernetError,
  FernetErrorCode,
  generateKey,
  loadKeys,
  rotateKeyRepository,
  setupKeyRepository,
} from '../../packages/fernet/src/index.ts'
import { recordingLogger, snapshot, tempRepository } from './helpers.ts'

const isRoot = process.getuid?.() === 0
const logger = recordingLogger()

function expectCode(fn: () => unknown, code: string, ...mentions: string[]) {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof FernetError, String(error))
    assert.equal(error.code, code, error.message)
    for (const mention of mentions) assert.ok(error.message.includes(mention), error.message)
    return true
  })
}

test('missing repository, a file instead of a directory, and an empty directory', () => {
  const repo = tempRepository()
  try {
    expectCode(() => loadKeys(repo.path, { logger }), FernetErrorCode.RepositoryMissing, repo.path)
    writeFileSync(repo.path, 'not a dir')
    expectCode(
      () => loadKeys(repo.path, { logger }),
      FernetErrorCode.RepositoryNotDirectory,
      repo.path,
    )
    const dir = `${repo.path}.d`
    mkdirSync(dir, { mode: 0o700 })
    expectCode(() => loadKeys(dir, { logger }), FernetErrorCode.NoKeys, dir)
    writeFileSync(join(dir, '1'), '')
    expectCode(() => loadKeys(dir, { logger }), FernetErrorCode.NoKeys, dir)
  } finally {
    repo.cleanup()
  }
})

test('a group- or world-accessible directory is refused with the chmod to run', () => {
  const repo = tempRepository()
  try {
    setupKeyRepository({ path: repo.path, maxActiveKeys: 3, logger })
    for (const bits of [0o755, 0o750, 0o701, 0o710]) {
      chmodSync(repo.path, bits)
      expectCode(
        () => loadKeys(repo.path, { logger }),
        FernetErrorCode.RepositoryPermissions,
        `chmod 700 ${repo.path}`,
      )
    }
    chmodSync(repo.path, 0o700)
    assert.equal(loadKeys(repo.path, { logger }).keys.length, 2)
  } finally {
    repo.cleanup()
  }
})

test('a corrupt key file is named by file and number, its contents are not shown', () => {
  const repo = tempRepository()
  try {
    setupKeyRepository({ path: repo.path, maxActiveKeys: 3, logger })
    const corrupt = [
      generateKey().slice(0, 30), // half-copied
      `${generateKey()}x`,
      Buffer.alloc(31, 7).toString('base64url'),
      'not base64 at all!!',
      `+${generateKey().slice(1)}`, // standard base64, not base64url
    ]
    for (const text of corrupt) {
      writeFileSync(join(repo.path, '5'), text)
      expectCode(
        () => loadKeys(repo.path, { logger }),
        FernetErrorCode.KeyFileCorrupt,
        `${repo.path}/5`,
        'key 5',
      )
      try {
        loadKeys(repo.path, { logger })
      } catch (error) {
        assert.ok(error instanceof Error && !error.message.includes(text))
      }
    }
  } finally {
    repo.cleanup()
  }
})

test('unreadable and unwritable directories (needs a non-root user)', {
  skip: isRoot && 'running as root',
}, () => {
  const repo = tempRepository()
  try {
    setupKeyRepository({ path: repo.path, maxActiveKeys: 3, logger })
    const before = snapshot(repo.path)
    chmodSync(repo.path, 0o500)
    expectCode(
      () =>
        rotateKeyRepository({
          path: repo.path,
          maxActiveKeys: 3,
          tokenExpiration: 0,
          allowExpiredWindow: 0,
        }),
      FernetErrorCode.RepositoryNotWritable,
      repo.path,
    )
    chmodSync(repo.path, 0o000)
    expectCode(
      () => loadKeys(repo.path, { logger }),
      FernetErrorCode.RepositoryUnreadable,
      repo.path,
    )
    chmodSync(repo.path, 0o700)
    assert.deepEqual(snapshot(repo.path), before)
  } finally {
    chmodSync(repo.path, 0o700)
    repo.cleanup()
  }
})

test('rotate refuses an uninitialised repository or one without a staged key', () => {
  const repo = tempRepository()
  try {
    const options = {
      path: repo.path,
      maxActiveKeys: 3,
      tokenExpiration: 0,
      allowExpiredWindow: 0,
      logger,
    }
    mkdirSync(repo.path, { mode: 0o700 })
    expectCode(() => rotateKeyRepository(options), FernetErrorCode.NoKeys, repo.path)
    writeFileSync(join(repo.path, '3'), generateKey())
    writeFileSync(join(repo.path, '0'), '')
    const before = snapshot(repo.path)
    expectCode(() => rotateKeyRepository(options), FernetErrorCode.NoStagedKey, repo.path)
    assert.deepEqual(snapshot(repo.path), before)
  } finally {
    repo.cleanup()
  }
})

test('invalid options are refused', () => {
  const base = { path: '/nonexistent', tokenExpiration: 0, allowExpiredWindow: 0 }
  for (const maxActiveKeys of [0, -1, 2.5, Number.NaN]) {
    expectCode(
      () => rotateKeyRepository({ ...base, maxActiveKeys }),
      FernetErrorCode.InvalidArgument,
    )
  }
  expectCode(
    () => rotateKeyRepository({ ...base, maxActiveKeys: 3, tokenExpiration: -1 }),
    FernetErrorCode.InvalidArgument,
  )
})
