/**
 * The delegation repository on both dialects: a row reads back as written (JSON lists, micros,
 * actors), a lineage walks the parents, revoking marks a whole subtree once (a second revoke
 * reports nothing new), revoking by root audit id reaches every tree made from that user token,
 * and flushing removes only rows past their deadline, or only revoked rows revoked before a time.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { DelegationNotFound } from '../../../packages/identity/src/errors.ts'
import type { NewDelegation } from '../../../packages/identity/src/store/index.ts'
import { eachDialect, seedBasics } from './store.fixtures.ts'

eachDialect('delegations', (env) => {
  async function world() {
    const { store } = env()
    const ids = await seedBasics(store)
    const make = (id: string, parentId: string | null, root = 'rootA', expiresAt = 9e15) =>
      store.delegations.create({
        id,
        userId: ids.user.id,
        projectId: ids.project.id,
        parentId,
        auditId: `audit-${id}`,
        rootAuditId: root,
        rootAuditChainId: `${root}-chain`,
        rootIssuedAt: 1_000_000,
        rootExpiresAt: 2_000_000,
        methods: ['password'],
        operation: 'compute:boot:1',
        audience: ['volumev3', 'image'],
        roleIds: [ids.role.id],
        actors: [{ userId: 'svc', userName: 'nova', projectId: 'p', issuedAt: 1_000_000 }],
        createdAt: 1_000_000,
        expiresAt,
      } satisfies NewDelegation)
    return { store, make }
  }

  test('reads back as written; lineage walks the parents', async () => {
    const { store, make } = await world()
    const a = await make('a', null)
    assert.deepEqual(a.audience, ['volumev3', 'image'])
    assert.deepEqual(a.actors, [
      { userId: 'svc', userName: 'nova', projectId: 'p', issuedAt: 1_000_000 },
    ])
    assert.equal(a.revoked, false)
    assert.equal(a.expiresAt, 9e15)
    await make('b', 'a')
    await make('c', 'b')
    assert.deepEqual(
      (await store.delegations.listLineage('c')).map((d) => d.id),
      ['c', 'b', 'a'],
    )
    await assert.rejects(store.delegations.get('zz'), DelegationNotFound)
  })

  test('revoke marks the subtree once; revokeForRoot reaches every tree of the root', async () => {
    const { store, make } = await world()
    await make('a', null)
    await make('b', 'a')
    await make('c', 'b')
    await make('d', null)
    await make('e', null, 'rootB')
    const first = await store.delegations.revoke('b')
    assert.deepEqual(first.map((d) => d.id).sort(), ['b', 'c'])
    assert.deepEqual(await store.delegations.revoke('b'), [])
    assert.equal((await store.delegations.get('a')).revoked, false)
    const byRoot = await store.delegations.revokeForRoot('rootA')
    assert.deepEqual(byRoot.map((d) => d.id).sort(), ['a', 'd'])
    assert.equal((await store.delegations.get('e')).revoked, false)
    assert.ok((await store.delegations.get('c')).revokedAt !== null)
  })

  test('flushExpired removes only rows past their deadline', async () => {
    const { store, make } = await world()
    await make('old', null, 'rootA', 5)
    await make('new', null, 'rootA', 50)
    assert.equal(await store.delegations.flushExpired(10), 1)
    assert.deepEqual(
      (await store.delegations.listForUser((await store.delegations.get('new')).userId)).map(
        (d) => d.id,
      ),
      ['new'],
    )
  })

  test('flushRevoked removes only revoked rows revoked before the time', async () => {
    const { store, make } = await world()
    await make('a', null)
    await make('b', 'a')
    await make('live', null)
    const [revoked] = await store.delegations.revoke('a')
    const at = revoked?.revokedAt ?? 0
    assert.equal(await store.delegations.flushRevoked(at), 0)
    assert.equal(await store.delegations.flushRevoked(at + 1), 2)
    await assert.rejects(store.delegations.get('a'), DelegationNotFound)
    await assert.rejects(store.delegations.get('b'), DelegationNotFound)
    assert.equal((await store.delegations.get('live')).revoked, false)
  })
})
