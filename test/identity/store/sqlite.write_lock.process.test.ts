/**
 * Regression (issue 11): two connections on one SQLite file, as two workers have. A transaction
 * that reads before it writes (every create checks its references first) used to begin deferred:
 * when another connection committed in between, its first write failed at once with
 * SQLITE_BUSY_SNAPSHOT, which became a 500. Now it takes the write lock at BEGIN, so the other
 * connection is the one that waits; when it cannot get the lock within busy_timeout it gets
 * `DatabaseBusy` (503 with Keystone's body and Retry-After), never a raw driver error.
 * @module
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import Database from 'better-sqlite3'
import { DatabaseBusy } from '../../../packages/identity/src/errors.ts'
import {
  createStore,
  migrateToLatest,
  openDatabase,
} from '../../../packages/identity/src/store/index.ts'
import { ADMIN_PASSWORD, startIdentity } from '../../interop/identity_process.ts'
import { adminToken } from '../../interop/support/write_burst.ts'
import { FakeClock } from './store.fixtures.ts'

test('a read-then-write transaction keeps its write when another connection writes meanwhile', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'baton-write-lock-'))
  const url = `sqlite:///${join(dir, 'identity.db')}`
  // busy_timeout short: the waiting connection blocks this very process while it waits
  const first = openDatabase(url, { busyTimeoutMs: 100 })
  const second = openDatabase(url, { busyTimeoutMs: 100 })
  try {
    await migrateToLatest(first)
    const a = createStore(first, { clock: new FakeClock() })
    const b = createStore(second, { clock: new FakeClock() })
    await a.resource.createDomain({ id: 'default', name: 'Default' })

    let midway: () => void = () => {}
    const reachedMidway = new Promise<void>((resolve) => {
      midway = resolve
    })
    let resume: () => void = () => {}
    const resumed = new Promise<void>((resolve) => {
      resume = resolve
    })
    const longWrite = a.transaction(async (store) => {
      await store.resource.getDomain('default')
      midway()
      await resumed
      return store.resource.createProject({ name: 'from-a', domainId: 'default' })
    })
    await reachedMidway
    // b writes while a's transaction is open: it must wait for a, not overtake it
    const overtaking = await b.resource.createProject({ name: 'from-b', domainId: 'default' }).then(
      () => undefined,
      (error: unknown) => error,
    )
    resume()
    const project = await longWrite
    assert.equal(project.name, 'from-a')
    assert.ok(overtaking instanceof DatabaseBusy, `b got ${String(overtaking)}`)
    assert.equal(overtaking.status, 503)
    assert.equal(await b.resource.findProjectByName('from-b', 'default'), undefined)
    // once a committed, b writes normally
    await b.resource.createProject({ name: 'from-b', domainId: 'default' })
  } finally {
    await first.close()
    await second.close()
    rmSync(dir, { recursive: true, force: true })
  }
})

test('a write that cannot get the SQLite lock in time is a 503 with Keystone’s body', async () => {
  const identity = await startIdentity(['[identity]', 'password_hash_rounds = 4'])
  const holder = new Database(join(identity.dir, 'identity.db'))
  try {
    const token = await adminToken(identity.url, ADMIN_PASSWORD)
    const create = (name: string) =>
      fetch(`${identity.url}/v3/projects`, {
        method: 'POST',
        headers: { 'x-auth-token': token, 'content-type': 'application/json' },
        body: JSON.stringify({ project: { name } }),
      })
    holder.exec('BEGIN IMMEDIATE')
    // the server waits out its busy_timeout (5 s), then gives up
    const busy = await create('while-locked')
    assert.equal(busy.status, 503)
    assert.equal(busy.headers.get('retry-after'), '1')
    assert.deepEqual(await busy.json(), {
      error: {
        code: 503,
        title: 'Service Unavailable',
        message: 'The identity database is busy with other writes. Retry the request.',
      },
    })
    holder.exec('ROLLBACK')
    const after = await create('while-locked')
    assert.equal(after.status, 201, 'nothing was half-written by the refused request')
  } finally {
    if (holder.inTransaction) holder.exec('ROLLBACK')
    holder.close()
    await identity.stop()
  }
})
