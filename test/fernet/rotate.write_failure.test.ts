/**
 * A failure at any write step leaves the repository exactly as it was (keystone
 * test_rotation_disk_write_fail, extended to every step), and a later rotation recovers.
 * @module
 */

import assert from 'node:assert/strict'
import { readdirSync, renameSync, writeFileSync } from 'node:fs'
import { test } from 'node:test'
import {
  FernetError,
  FernetErrorCode,
  loadKeys,
  type RepositoryFs,
  rotateKeyRepository,
  setupKeyRepository,
} from '../../packages/fernet/src/index.ts'
import { recordingLogger, snapshot, tempRepository } from './helpers.ts'

const diskFull = () => Object.assign(new Error('disk full'), { code: 'ENOSPC' })

/** Fails the n-th call of one operation, after optionally leaving a partial file behind. */
function failing(operation: 'writeNewFile' | 'rename', nth: number): Partial<RepositoryFs> {
  let calls = 0
  if (operation === 'writeNewFile') {
    return {
      writeNewFile(path, data, mode) {
        if (++calls === nth) {
          writeFileSync(path, data.slice(0, 10), { mode }) // a partial write, then the error
          throw diskFull()
        }
        writeFileSync(path, data, { mode, flag: 'wx' })
      },
    }
  }
  return {
    rename(from, to) {
      if (++calls === nth) throw diskFull()
      renameSync(from, to)
    },
  }
}

const steps: [string, () => Partial<RepositoryFs>][] = [
  ['writing 0.tmp', () => failing('writeNewFile', 1)],
  ['writing the history tmp', () => failing('writeNewFile', 2)],
  ['renaming 0 to the new primary', () => failing('rename', 1)],
  ['renaming 0.tmp to 0', () => failing('rename', 2)],
  ['replacing the history', () => failing('rename', 3)],
]

test('a failure at each rotation step leaves the repository unchanged', () => {
  for (const [step, fs] of steps) {
    const repo = tempRepository()
    try {
      setupKeyRepository({ path: repo.path, maxActiveKeys: 3 })
      rotateKeyRepository({
        path: repo.path,
        maxActiveKeys: 3,
        tokenExpiration: 0,
        allowExpiredWindow: 0,
      })
      const before = snapshot(repo.path)
      const options = {
        path: repo.path,
        maxActiveKeys: 3,
        tokenExpiration: 0,
        allowExpiredWindow: 0,
      }
      for (let attempt = 0; attempt < 2; attempt++) {
        assert.throws(
          () => rotateKeyRepository({ ...options, fs: fs(), logger: recordingLogger() }),
          (error: unknown) =>
            error instanceof FernetError &&
            error.code === FernetErrorCode.WriteFailed &&
            error.message.includes('repository unchanged'),
          step,
        )
        assert.deepEqual(snapshot(repo.path), before, step)
      }
      // Rotating normally afterwards works, as in keystone's test.
      const result = rotateKeyRepository(options)
      assert.equal(result.promoted.number, 3)
      assert.equal(loadKeys(repo.path).keys.length, 3)
    } finally {
      repo.cleanup()
    }
  }
})

test('a failed setup leaves no half-initialised repository behind', () => {
  for (const [step, fs] of steps) {
    const repo = tempRepository()
    try {
      assert.throws(
        () =>
          setupKeyRepository({
            path: repo.path,
            maxActiveKeys: 3,
            fs: fs(),
            logger: recordingLogger(),
          }),
        { code: FernetErrorCode.WriteFailed },
        step,
      )
      assert.deepEqual(readdirSync(repo.path), [], step)
      assert.equal(setupKeyRepository({ path: repo.path, maxActiveKeys: 3 }).created, true)
    } finally {
      repo.cleanup()
    }
  }
})

test('a stale 0.tmp from a crashed rotation is replaced, not trusted', () => {
  const repo = tempRepository()
  try {
    setupKeyRepository({ path: repo.path, maxActiveKeys: 3 })
    writeFileSync(`${repo.path}/0.tmp`, 'stale', { mode: 0o644 })
    rotateKeyRepository({
      path: repo.path,
      maxActiveKeys: 3,
      tokenExpiration: 0,
      allowExpiredWindow: 0,
    })
    assert.ok(!readdirSync(repo.path).includes('0.tmp'))
    assert.equal(loadKeys(repo.path).keys.length, 3)
  } finally {
    repo.cleanup()
  }
})
