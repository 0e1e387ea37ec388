/**
 * The database half of the lockout guard (issue 11): `reserveAuthAttempt` lets at most
 * `maxAttempts` attempts into one lockout window, however many ask at once (on PostgreSQL through
 * a pool of four connections, so the UPDATEs really race); an attempt whose outcome never comes
 * (its process died) stays counted and ages out with the window.
 * @module
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { sql } from 'kysely'
import { eachDialect, seedBasics } from './store.fixtures.ts'

const LIMIT = { maxAttempts: 3, durationSeconds: 60 }

eachDialect('reserveAuthAttempt', (env) => {
  test('40 attempts at once: exactly the limit are let in, each counted as a failure', async () => {
    const { store, clock } = env()
    const { user } = await seedBasics(store)
    const granted = await Promise.all(
      Array.from({ length: 40 }, () => store.identity.reserveAuthAttempt(user.id, LIMIT)),
    )
    assert.equal(granted.filter(Boolean).length, 3)
    const after = await store.identity.getUser(user.id)
    assert.equal(after.failedAuthCount, 3)
    assert.equal(after.failedAuthAt, clock.ms * 1000)
  })

  test('a full count locks for the duration from the last attempt, then a new window starts', async () => {
    const { store, clock } = env()
    const { user } = await seedBasics(store)
    for (let i = 0; i < 3; i++) assert.ok(await store.identity.reserveAuthAttempt(user.id, LIMIT))
    clock.advance(59_999)
    assert.equal(await store.identity.reserveAuthAttempt(user.id, LIMIT), false)
    // a refused attempt writes nothing: the window still runs from the last counted one
    assert.equal((await store.identity.getUser(user.id)).failedAuthAt, (clock.ms - 59_999) * 1000)
    clock.advance(1)
    const reopened = await Promise.all(
      Array.from({ length: 10 }, () => store.identity.reserveAuthAttempt(user.id, LIMIT)),
    )
    // the expired window restarts at 1, so two more fit before the new lock
    assert.equal(reopened.filter(Boolean).length, 3)
    assert.equal((await store.identity.getUser(user.id)).failedAuthCount, 3)
  })

  test('an attempt never resolved (a crashed process) stays counted; a right password clears', async () => {
    const { store } = env()
    const { user } = await seedBasics(store)
    assert.ok(await store.identity.reserveAuthAttempt(user.id, LIMIT))
    assert.ok(await store.identity.reserveAuthAttempt(user.id, LIMIT))
    // the first one's process died before its outcome: it is a failure like any other
    assert.equal((await store.identity.getUser(user.id)).failedAuthCount, 2)
    await store.identity.resetFailedAuth(user.id)
    const cleared = await store.identity.getUser(user.id)
    assert.equal(cleared.failedAuthCount, 0)
    assert.equal(cleared.failedAuthAt, null)
  })

  test('failures below the limit accumulate across windows, as Keystone counts them', async () => {
    const { store, clock } = env()
    const { user } = await seedBasics(store)
    assert.ok(await store.identity.reserveAuthAttempt(user.id, LIMIT))
    assert.ok(await store.identity.reserveAuthAttempt(user.id, LIMIT))
    clock.advance(3_600_000)
    assert.ok(await store.identity.reserveAuthAttempt(user.id, LIMIT))
    assert.equal(await store.identity.reserveAuthAttempt(user.id, LIMIT), false)
  })

  test('a full count without a failure time stays locked; an unknown user is never let in', async () => {
    const { store, database } = env()
    const { user } = await seedBasics(store)
    await sql`update ${sql.table('user')} set failed_auth_count = 3, failed_auth_at = null
      where id = ${user.id}`.execute(database.db)
    assert.equal(await store.identity.reserveAuthAttempt(user.id, LIMIT), false)
    assert.equal(await store.identity.reserveAuthAttempt('no-such-user', LIMIT), false)
  })
})
