import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Caller } from '../../../../packages/identity/src/core/caller.ts'
import {
  delegatedRoleIds,
  deleteTrust,
  getTrust,
} from '../../../../packages/identity/src/core/resources/trust_chain.ts'
import {
  createTrust,
  type TrustSettings,
} from '../../../../packages/identity/src/core/resources/trusts.ts'
import { Forbidden, TrustNotFound } from '../../../../packages/identity/src/errors.ts'
import type { Store } from '../../../../packages/identity/src/store/index.ts'
import { EPOCH_MS, eachDialect, seedBasics } from '../../store/store.fixtures.ts'

const SETTINGS: TrustSettings = {
  maxRedelegationCount: 3,
  primaryMethods: new Set(['password', 'token']),
  allowApplicationCredentials: false,
}

function who(userId: string): Caller {
  return {
    userId,
    userDomainId: 'default',
    roles: [],
    roleIds: [],
    scope: { kind: 'unscoped' },
    isAdminProject: false,
    methods: ['password'],
    auditIds: ['a'],
    expiresAt: '2030-01-01T01:00:00.000000Z',
  }
}

async function world(store: Store) {
  const b = await seedBasics(store)
  const reader = await store.assignment.createRole({ name: 'reader' })
  await store.assignment.addImpliedRole(b.role.id, reader.id)
  const heat = await store.identity.createUser({ name: 'heat', domainId: b.domain.id })
  const engine = await store.identity.createUser({ name: 'engine', domainId: b.domain.id })
  await store.assignment.grant({
    roleId: b.role.id,
    actor: { type: 'user', id: b.user.id },
    target: { type: 'project', id: b.project.id },
  })
  const create = (caller: string, fields: Record<string, unknown>, from?: string) =>
    store.transaction(async (s) =>
      createTrust(s, {
        caller: who(caller),
        settings: SETTINGS,
        nowMs: EPOCH_MS,
        redelegatedFrom: from === undefined ? undefined : await s.trusts.get(from),
        body: {
          trustor_user_id: caller,
          trustee_user_id: heat.id,
          project_id: b.project.id,
          impersonation: false,
          roles: [{ id: b.role.id }],
          ...fields,
        },
      }),
    )
  return { ...b, reader, heat, engine, create }
}

eachDialect('trust redelegation and delegated roles', (env) => {
  test('a redelegated trust counts down the depth and inherits the expiry', async () => {
    const { store } = env()
    const w = await world(store)
    const expiresAt = new Date(EPOCH_MS + 3_600_000).toISOString()
    const root = await w.create(w.user.id, { allow_redelegation: true, expires_at: expiresAt })
    assert.equal(root.redelegationCount, 3)
    const child = await w.create(
      w.heat.id,
      { trustee_user_id: w.engine.id, allow_redelegation: true },
      root.id,
    )
    assert.equal(child.redelegatedTrustId, root.id)
    assert.equal(child.redelegationCount, 2)
    assert.equal(child.expiresAt, root.expiresAt)
    assert.equal((await getTrust(store, child.id, 3)).id, child.id)
    // the original trustor's roles on the project are what the child may carry
    assert.deepEqual(await delegatedRoleIds(store, child), [w.reader.id, w.role.id].sort())
  })

  test('redelegation refuses wider roles, impersonation, uses, a later expiry or no depth left', async () => {
    const { store } = env()
    const w = await world(store)
    const root = await w.create(w.user.id, {
      allow_redelegation: true,
      expires_at: new Date(EPOCH_MS + 3_600_000).toISOString(),
    })
    const flat = await w.create(w.user.id, { impersonation: true })
    const refused = [
      [{ roles: [{ id: w.reader.id }] }, root.id],
      [{ impersonation: true }, root.id],
      [{ remaining_uses: 1 }, root.id],
      [{ expires_at: new Date(EPOCH_MS + 7_200_000).toISOString() }, root.id],
      [{ allow_redelegation: true, redelegation_count: 1 }, root.id],
      [{}, flat.id], // depth 0: not redelegatable
    ] as const
    for (const [fields, from] of refused) {
      await assert.rejects(
        w.create(w.heat.id, { trustee_user_id: w.engine.id, ...fields }, from),
        (e: unknown) => e instanceof Forbidden && e.message === Forbidden.defaultMessage,
        JSON.stringify(fields),
      )
    }
    assert.equal((await store.trusts.list({ trustorUserId: w.heat.id })).length, 0)
  })

  test('deleting a trust deletes its redelegated children, one revocation event each', async () => {
    const { store } = env()
    const w = await world(store)
    const root = await w.create(w.user.id, { allow_redelegation: true })
    const child = await w.create(w.heat.id, { trustee_user_id: w.engine.id }, root.id)
    await store.transaction((s) => deleteTrust(s, root.id))
    await assert.rejects(store.trusts.get(child.id), TrustNotFound)
    assert.deepEqual(
      (await store.revocation.listSince()).map((e) => e.trustId).sort(),
      [root.id, child.id].sort(),
    )
  })

  test('a trustor who loses a delegated role leaves the trust delegating nothing', async () => {
    const { store } = env()
    const w = await world(store)
    const trust = await w.create(w.user.id, {})
    assert.deepEqual(await delegatedRoleIds(store, trust), [w.reader.id, w.role.id].sort())
    await store.assignment.revokeGrant({
      roleId: w.role.id,
      actor: { type: 'user', id: w.user.id },
      target: { type: 'project', id: w.project.id },
    })
    await assert.rejects(delegatedRoleIds(store, trust), Forbidden)
  })
})
