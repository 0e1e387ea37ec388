/**
 * Which driver errors mean "the database would not grant a lock in time" (503 DatabaseBusy, retry)
 * and which stay what they are: SQLite's SQLITE_BUSY family, PostgreSQL's serialization_failure,
 * deadlock_detected and lock_not_available; not constraint violations, not other SQLite errors.
 * @module
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { DatabaseBusy } from '../../../packages/identity/src/errors.ts'
import { busyOr, isLockUnavailable } from '../../../packages/identity/src/store/store_errors.ts'

const driverError = (code: string) => Object.assign(new Error(`driver ${code}`), { code })

test('lock failures of both dialects become DatabaseBusy, keeping the driver error as cause', () => {
  for (const code of [
    'SQLITE_BUSY',
    'SQLITE_BUSY_SNAPSHOT',
    'SQLITE_BUSY_RECOVERY',
    '40001',
    '40P01',
    '55P03',
  ]) {
    const error = driverError(code)
    assert.ok(isLockUnavailable(error), code)
    const mapped = busyOr(error)
    assert.ok(mapped instanceof DatabaseBusy, code)
    assert.equal(mapped.status, 503)
    assert.equal(mapped.cause, error)
  }
})

test('other errors pass through unchanged', () => {
  for (const error of [
    driverError('SQLITE_CONSTRAINT_UNIQUE'),
    driverError('SQLITE_LOCKED'),
    driverError('SQLITE_IOERR'),
    driverError('23505'),
    new Error('plain'),
    'text',
    undefined,
  ]) {
    assert.equal(isLockUnavailable(error), false)
    assert.equal(busyOr(error), error)
  }
})
