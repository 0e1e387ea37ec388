import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { TokenRevocationValues } from '../../../packages/identity/src/store/index.ts'
import { EPOCH_MS, eachDialect } from './store.fixtures.ts'

const SECOND = 1_000_000
/** The fake clock's "now" in microseconds. */
const NOW = EPOCH_MS * 1000

const token = (overrides: Partial<TokenRevocationValues> = {}): TokenRevocationValues => ({
  issuedAt: NOW - 60 * SECOND,
  userId: 'u1',
  projectId: 'p1',
  auditId: 'audit-1',
  ...overrides,
})

eachDialect('revocation events', (env) => {
  test('recording applies Keystone defaults: now to the second, issued_before = revoked_at', async () => {
    const { store, clock } = env()
    clock.advance(750) // 0.75 s past a whole second
    const event = await store.revocation.record({ userId: 'u1' })
    assert.equal(event.revokedAt, NOW)
    assert.equal(event.issuedBefore, NOW)
    assert.equal(event.expiresAt, null)
    assert.equal(event.userId, 'u1')
    assert.equal(event.projectId, null)
  })

  test('expires_at loses its sub-second part and a domain with expires_at is a domain scope', async () => {
    const { store } = env()
    const event = await store.revocation.record({
      domainId: 'd1',
      expiresAt: NOW + 3600 * SECOND + 123_456,
    })
    assert.equal(event.expiresAt, NOW + 3600 * SECOND)
    assert.equal(event.domainId, null)
    assert.equal(event.domainScopeId, 'd1')
    const plain = await store.revocation.record({ domainId: 'd2' })
    assert.equal(plain.domainId, 'd2')
    assert.equal(plain.domainScopeId, null)
  })

  test('a token issued in the same second as the event is revoked; a later one is not', async () => {
    const { store, clock } = env()
    clock.advance(900)
    await store.revocation.record({ userId: 'u1' })
    assert.equal((await store.revocation.listEventsFor(token({ issuedAt: NOW }))).length, 1)
    assert.equal(
      (await store.revocation.listEventsFor(token({ issuedAt: NOW + 500_000 }))).length,
      1,
    )
    assert.equal(
      (await store.revocation.listEventsFor(token({ issuedAt: NOW + SECOND }))).length,
      0,
    )
  })

  test('a user event matches the token user, trustor or trustee, and nobody else', async () => {
    const { store } = env()
    await store.revocation.record({ userId: 'u1' })
    assert.equal((await store.revocation.listEventsFor(token())).length, 1)
    const other = token({ userId: 'u2' })
    assert.equal((await store.revocation.listEventsFor(other)).length, 0)
    assert.equal((await store.revocation.listEventsFor({ ...other, trustorId: 'u1' })).length, 1)
    assert.equal((await store.revocation.listEventsFor({ ...other, trusteeId: 'u1' })).length, 1)
  })

  test('a project event reaches only tokens scoped to that project', async () => {
    const { store } = env()
    await store.revocation.record({ projectId: 'p1' })
    assert.equal((await store.revocation.listEventsFor(token())).length, 1)
    assert.equal((await store.revocation.listEventsFor(token({ projectId: 'p2' }))).length, 0)
    assert.equal((await store.revocation.listEventsFor(token({ projectId: null }))).length, 0)
  })

  test('an audit event reaches only the token with that audit ID, not its re-scoped children', async () => {
    const { store } = env()
    await store.revocation.record({ auditId: 'audit-1' })
    assert.equal((await store.revocation.listEventsFor(token())).length, 1)
    assert.equal((await store.revocation.listEventsFor(token({ auditId: 'audit-2' }))).length, 0)
  })

  test('a trust event reaches only tokens of that trust', async () => {
    const { store } = env()
    await store.revocation.record({ trustId: 't1' })
    assert.equal((await store.revocation.listEventsFor(token())).length, 0)
    assert.equal((await store.revocation.listEventsFor(token({ trustId: 't1' }))).length, 1)
    assert.equal((await store.revocation.listEventsFor(token({ trustId: 't2' }))).length, 0)
  })

  test('fields outside the pre-filter (domain, role, audit chain) leave matching to the caller', async () => {
    const { store } = env()
    await store.revocation.record({ domainId: 'd1' })
    await store.revocation.record({ roleId: 'r1' })
    await store.revocation.record({ auditChainId: 'chain-9' })
    assert.equal((await store.revocation.listEventsFor(token())).length, 3)
  })

  test('every condition must hold at once', async () => {
    const { store } = env()
    await store.revocation.record({ userId: 'u1', projectId: 'p1' })
    assert.equal((await store.revocation.listEventsFor(token())).length, 1)
    assert.equal((await store.revocation.listEventsFor(token({ projectId: 'p2' }))).length, 0)
    assert.equal((await store.revocation.listEventsFor(token({ userId: 'u2' }))).length, 0)
  })

  test('tokens issued after the event are untouched by it', async () => {
    const { store } = env()
    await store.revocation.record({ userId: 'u1', issuedBefore: NOW - 120 * SECOND })
    assert.equal((await store.revocation.listEventsFor(token())).length, 0)
    const older = token({ issuedAt: NOW - 180 * SECOND })
    assert.equal((await store.revocation.listEventsFor(older)).length, 1)
  })

  test('listSince returns events revoked after the mark, oldest first', async () => {
    const { store, clock } = env()
    await store.revocation.record({ userId: 'a' })
    clock.advance(10_000)
    await store.revocation.record({ userId: 'b' })
    clock.advance(10_000)
    await store.revocation.record({ userId: 'c' })
    assert.deepEqual(
      (await store.revocation.listSince()).map((e) => e.userId),
      ['a', 'b', 'c'],
    )
    assert.deepEqual(
      (await store.revocation.listSince(NOW + 10 * SECOND)).map((e) => e.userId),
      ['c'],
    )
  })

  test('prune deletes events revoked before the cutoff and counts them', async () => {
    const { store, clock } = env()
    await store.revocation.record({ userId: 'old' })
    clock.advance(5400_000)
    await store.revocation.record({ userId: 'new' })
    assert.equal(await store.revocation.prune(NOW + 5400 * SECOND), 1)
    assert.deepEqual(
      (await store.revocation.listSince()).map((e) => e.userId),
      ['new'],
    )
    assert.equal(await store.revocation.prune(NOW), 0)
  })
})
