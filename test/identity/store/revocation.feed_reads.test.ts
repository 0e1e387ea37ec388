/**
 * The two reads the revocation feed makes, on each dialect: events above a row id in id order, and
 * the highest id revoked before a time (the first floor of a new reader).
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { EPOCH_MS, eachDialect } from './store.fixtures.ts'

const NOW = EPOCH_MS * 1000
const SECOND = 1_000_000

eachDialect('revocation feed reads', (env) => {
  test('listAfterId and findLastIdBefore', async () => {
    const { store } = env()
    assert.equal(await store.revocation.findLastIdBefore(NOW + 1000 * SECOND), 0, 'none yet')
    const old = await store.revocation.record({ userId: 'u1', revokedAt: NOW - 120 * SECOND })
    const a = await store.revocation.record({ auditId: 'a' })
    const b = await store.revocation.record({ projectId: 'p' })
    assert.deepEqual(
      (await store.revocation.listAfterId(0)).map((e) => e.id),
      [old.id, a.id, b.id],
    )
    assert.deepEqual(
      (await store.revocation.listAfterId(a.id)).map((e) => e.auditId ?? e.projectId),
      ['p'],
    )
    assert.equal(await store.revocation.findLastIdBefore(NOW - 60 * SECOND), old.id)
    assert.equal(await store.revocation.findLastIdBefore(NOW + SECOND), b.id)
  })
})
