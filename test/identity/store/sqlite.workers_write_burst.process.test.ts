/**
 * Regression (issue 11): SQLite behind `[DEFAULT] workers = 2` answered 11% of concurrent writes
 * with 500 (SQLITE_BUSY / SQLITE_BUSY_SNAPSHOT), because write transactions began deferred and two
 * processes deadlocked on the lock upgrade, which busy_timeout cannot resolve. A real two-worker
 * `baton serve identity` takes a short burst of four concurrent writers; not one answer may be a
 * 5xx. `BATON_WRITE_BURST_SECONDS` lengthens the burst for a measurement by hand.
 * @module
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ADMIN_PASSWORD, startIdentity } from '../../interop/identity_process.ts'
import { adminToken, writeBurst } from '../../interop/support/write_burst.ts'

const SECONDS = Number(process.env.BATON_WRITE_BURST_SECONDS ?? 6)

test('two workers on one SQLite file answer a burst of concurrent writes without a 5xx', async (t) => {
  const identity = await startIdentity([
    '[DEFAULT]',
    'workers = 2',
    '[identity]',
    'password_hash_rounds = 4',
  ])
  try {
    const token = await adminToken(identity.url, ADMIN_PASSWORD)
    const result = await writeBurst({ url: identity.url, adminToken: token }, SECONDS)
    const statuses = [...result.byStatus].map(([s, n]) => `${s}: ${n}`).join(', ')
    t.diagnostic(
      `${result.serverErrors} 5xx of ${result.writes} writes in ${SECONDS} s (${statuses})`,
    )
    assert.ok(result.writes > 0, 'the burst ran')
    assert.equal(result.serverErrors, 0, `5xx answers: ${result.samples.join(' | ')}`)
    for (const status of result.byStatus.keys()) {
      assert.ok(status === 201 || status === 204, `unexpected status ${status}`)
    }
  } finally {
    await identity.stop()
  }
})
