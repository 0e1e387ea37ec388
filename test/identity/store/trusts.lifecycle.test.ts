import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  Conflict,
  TrustNotFound,
  TrustUseLimitReached,
} from '../../../packages/identity/src/errors.ts'
import type { NewTrust, Store } from '../../../packages/identity/src/store/index.ts'
import { EPOCH_MS, eachDialect, rowCount, seedBasics } from './store.fixtures.ts'

const HOUR_US = 3_600_000_000

async function seed(store: Store) {
  const basics = await seedBasics(store)
  const trustee = await store.identity.createUser({ name: 'heat', domainId: basics.domain.id })
  const base: NewTrust = {
    id: 'a'.repeat(32),
    trustorUserId: basics.user.id,
    trusteeUserId: trustee.id,
    projectId: basics.project.id,
    impersonation: true,
    expiresAt: null,
    remainingUses: null,
    redelegatedTrustId: null,
    redelegationCount: 0,
    extra: { allow_redelegation: false },
    roleIds: [basics.role.id],
  }
  return { ...basics, trustee, base }
}

eachDialect('trusts', (env) => {
  test('a trust keeps its columns, extra and roles', async () => {
    const { store } = env()
    const { base, role } = await seed(store)
    const reader = await store.assignment.createRole({ name: 'reader' })
    const created = await store.trusts.create({
      ...base,
      expiresAt: EPOCH_MS * 1000 + HOUR_US + 123_456,
      remainingUses: 3,
      roleIds: [role.id, reader.id, role.id],
    })
    assert.deepEqual(created.roleIds, [role.id, reader.id].sort())
    assert.equal(created.impersonation, true)
    assert.equal(created.expiresAt, EPOCH_MS * 1000 + HOUR_US + 123_456)
    assert.equal(created.remainingUses, 3)
    assert.equal(created.redelegationCount, 0)
    assert.equal(created.deletedAt, null)
    assert.deepEqual(created.extra, { allow_redelegation: false })
    assert.deepEqual(await store.trusts.get(created.id), created)
  })

  test('the same trustor, trustee, project, impersonation and expiry twice is a Conflict', async () => {
    const { store, database } = env()
    const { base } = await seed(store)
    const expiring = { ...base, expiresAt: EPOCH_MS * 1000 + HOUR_US }
    await store.trusts.create(expiring)
    await assert.rejects(store.trusts.create({ ...expiring, id: 'b'.repeat(32) }), Conflict)
    await assert.rejects(store.trusts.create({ ...base, impersonation: false }), Conflict) // same id
    // NULLs never collide in a unique constraint, in Keystone's schema as in this one
    await store.trusts.create({ ...base, id: 'c'.repeat(32) })
    await store.trusts.create({ ...base, id: 'd'.repeat(32) })
    assert.equal(await rowCount(database, 'trust'), 3)
    assert.equal(await rowCount(database, 'trust_role'), 3)
  })

  test('get hides expired, used-up and deleted trusts unless deleted ones are asked for', async () => {
    const { store, clock } = env()
    const { base } = await seed(store)
    const expiring = await store.trusts.create({ ...base, expiresAt: EPOCH_MS * 1000 + HOUR_US })
    clock.advance(3_600_001)
    await assert.rejects(store.trusts.get(expiring.id), TrustNotFound)
    assert.equal((await store.trusts.get(expiring.id, { deleted: true })).id, expiring.id)
    // listings still show expired trusts, as Keystone's do
    assert.deepEqual(
      (await store.trusts.list()).map((t) => t.id),
      [expiring.id],
    )

    const once = await store.trusts.create({ ...base, id: 'c'.repeat(32), remainingUses: 1 })
    await store.trusts.consumeUse(once.id)
    await assert.rejects(store.trusts.get(once.id), TrustNotFound)
    await assert.rejects(store.trusts.consumeUse(once.id), TrustUseLimitReached)

    await store.trusts.softDelete(once.id)
    await assert.rejects(store.trusts.consumeUse(once.id), TrustNotFound)
    assert.equal((await store.trusts.get(once.id, { deleted: true })).deletedAt, clock.ms * 1000)
    assert.deepEqual(
      (await store.trusts.list()).map((t) => t.id),
      [expiring.id],
    )
    await assert.rejects(store.trusts.softDelete('missing'), TrustNotFound)
  })

  test('consumeUse decrements a limited trust once per call and leaves an unlimited one', async () => {
    const { store } = env()
    const { base } = await seed(store)
    const limited = await store.trusts.create({ ...base, remainingUses: 5 })
    const unlimited = await store.trusts.create({
      ...base,
      id: 'd'.repeat(32),
      impersonation: false,
    })
    await Promise.all([1, 2, 3].map(() => store.trusts.consumeUse(limited.id)))
    await store.trusts.consumeUse(unlimited.id)
    assert.equal((await store.trusts.get(limited.id)).remainingUses, 2)
    assert.equal((await store.trusts.get(unlimited.id)).remainingUses, null)
  })

  test('lists filter by trustor, trustee and redelegated trust', async () => {
    const { store } = env()
    const { base, user, trustee } = await seed(store)
    const first = await store.trusts.create(base)
    const back = await store.trusts.create({
      ...base,
      id: 'e'.repeat(32),
      trustorUserId: trustee.id,
      trusteeUserId: user.id,
      redelegatedTrustId: first.id,
    })
    assert.deepEqual(
      (await store.trusts.list({ trustorUserId: user.id })).map((t) => t.id),
      [first.id],
    )
    assert.deepEqual(
      (await store.trusts.list({ trusteeUserId: user.id })).map((t) => t.id),
      [back.id],
    )
    assert.deepEqual(
      (await store.trusts.list({ redelegatedTrustId: first.id })).map((t) => t.id),
      [back.id],
    )
  })

  test('a user or project going soft-deletes its live trusts only', async () => {
    const { store, domain, trustee, base } = await (async () => {
      const e = env()
      return { store: e.store, ...(await seed(e.store)) }
    })()
    const other = await store.resource.createProject({ name: 'other', domainId: domain.id })
    const a = await store.trusts.create(base)
    const b = await store.trusts.create({ ...base, id: 'b'.repeat(32), projectId: other.id })
    const unrelated = await store.identity.createUser({ name: 'x', domainId: domain.id })
    const c = await store.trusts.create({
      ...base,
      id: 'c'.repeat(32),
      trustorUserId: unrelated.id,
      projectId: other.id,
    })
    assert.deepEqual(await store.trusts.softDeleteForProject(other.id), [b.id, c.id])
    assert.deepEqual(await store.trusts.softDeleteForUser(trustee.id), [a.id])
    assert.deepEqual(await store.trusts.softDeleteForUser(trustee.id), [])
    assert.deepEqual(await store.trusts.list(), [])
  })

  test('flush removes soft-deleted and expired trusts with their roles, within the filters', async () => {
    const { store, clock, database } = env()
    const { base, project } = await seed(store)
    const live = await store.trusts.create(base)
    const expired = await store.trusts.create({
      ...base,
      id: 'b'.repeat(32),
      expiresAt: EPOCH_MS * 1000 + HOUR_US,
    })
    const deleted = await store.trusts.create({ ...base, id: 'c'.repeat(32), impersonation: false })
    await store.trusts.softDelete(deleted.id)
    clock.advance(2 * 3_600_000)
    assert.equal(await store.trusts.flush({ before: clock.ms * 1000, projectId: 'elsewhere' }), 0)
    assert.equal(await store.trusts.flush({ before: EPOCH_MS * 1000 }), 1) // only the deleted one
    assert.equal(await store.trusts.flush({ before: clock.ms * 1000, projectId: project.id }), 1)
    assert.deepEqual(
      (await store.trusts.list()).map((t) => t.id),
      [live.id],
    )
    assert.equal(await rowCount(database, 'trust'), 1)
    assert.equal(await rowCount(database, 'trust_role'), 1)
    assert.equal(expired.id.length, 32)
  })

  test('writes to trusts move the cache generation', async () => {
    const { store } = env()
    const { base } = await seed(store)
    const before = await store.generation.current()
    await store.trusts.create(base)
    const created = await store.generation.current()
    assert.ok(created > before)
    await store.trusts.softDelete(base.id)
    assert.ok((await store.generation.current()) > created)
  })
})
