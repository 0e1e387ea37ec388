import assert from 'node:assert/strict'
import { test } from 'node:test'
import { sql } from 'kysely'
import { apiSuite, assertError, caller, rowCount } from './support.ts'
import { trustWorld } from './trust_world.ts'

const T = '/v3/OS-TRUST/trusts'

function body(ids: Record<string, string>, fields: Record<string, unknown> = {}) {
  return {
    trust: {
      trustor_user_id: ids.alice,
      trustee_user_id: ids.bob,
      project_id: ids.demo,
      impersonation: true,
      roles: [{ name: 'member' }],
      ...fields,
    },
  }
}

apiSuite('trusts', (api) => {
  test('deleting a trust records its trust_id revocation event; a failed event deletes nothing', async () => {
    const { ids } = await trustWorld(api())
    const { database } = api().env
    const created = await api().call('POST', T, { token: 'alice', body: body(ids) })
    assert.equal(created.status, 201, created.body)
    const id = created.json.trust.id
    if (api().env.dialect === 'sqlite') {
      await sql`create trigger fail_revoke before insert on revocation_event
        begin select raise(abort, 'no events today'); end`.execute(database.db)
      const failed = await api().call('DELETE', `${T}/${id}`, { token: 'alice' })
      assert.notEqual(failed.status, 204)
      assert.equal((await api().call('GET', `${T}/${id}`, { token: 'alice' })).status, 200)
      await sql`drop trigger fail_revoke`.execute(database.db)
    }
    assert.equal((await api().call('DELETE', `${T}/${id}`, { token: 'alice' })).status, 204)
    const events = await api().store.revocation.listSince()
    assert.deepEqual(
      events.map((e) => [e.trustId, e.userId, e.projectId]),
      [[id, null, null]],
    )
    assert.equal(await rowCount(database, 'trust'), 1) // soft-deleted, until a flush
    assertError(await api().call('GET', `${T}/${id}`, { token: 'alice' }), 404)
  })

  test('a deleted trustee or project takes its trusts along; a disabled trustee does not', async () => {
    const { ids } = await trustWorld(api())
    const toBob = (await api().call('POST', T, { token: 'alice', body: body(ids) })).json.trust.id
    const toCarol = (
      await api().call('POST', T, {
        token: 'alice',
        body: body(ids, { trustee_user_id: ids.carol }),
      })
    ).json.trust.id
    const disabled = await api().call('PATCH', `/v3/users/${ids.carol}`, {
      body: { user: { enabled: false } },
    })
    assert.equal(disabled.status, 200, disabled.body)
    assert.equal((await api().call('GET', `${T}/${toCarol}`, { token: 'alice' })).status, 200)

    assert.equal((await api().call('DELETE', `/v3/users/${ids.bob}`)).status, 204)
    assertError(await api().call('GET', `${T}/${toBob}`, { token: 'alice' }), 404)
    assert.equal((await api().call('GET', `${T}/${toCarol}`, { token: 'alice' })).status, 200)

    assert.equal(
      (
        await api().call('PATCH', `/v3/projects/${ids.demo}`, {
          body: { project: { enabled: false } },
        })
      ).status,
      200,
    )
    assert.equal((await api().call('DELETE', `/v3/projects/${ids.demo}`)).status, 204)
    assertError(await api().call('GET', `${T}/${toCarol}`, { token: 'alice' }), 404)
  })

  test('tokens from delegated methods cannot manage trusts unless the escalation option says so', async () => {
    const { ids } = await trustWorld(api())
    const alice = api().callers.get('alice')
    assert.ok(alice)
    api().callers.set(
      'alice-appcred',
      caller({ ...alice, methods: ['application_credential'], applicationCredentialId: 'ac' }),
    )
    api().callers.set('alice-ec2', caller({ ...alice, methods: ['ec2credential'] }))
    for (const token of ['alice-appcred', 'alice-ec2']) {
      assertError(
        await api().call('POST', T, { token, body: body(ids) }),
        403,
        'You are not authorized to perform the requested action: Delegated tokens cannot manage trusts.',
      )
      assertError(await api().call('GET', `${T}?trustor_user_id=${ids.alice}`, { token }), 403)
    }
    assert.equal(await rowCount(api().env.database, 'trust'), 0)
  })

  test('expiry is kept to the microsecond and shown to the second; roles by id and name', async () => {
    const { ids } = await trustWorld(api())
    const res = await api().call('POST', T, {
      token: 'alice',
      body: body(ids, {
        expires_at: '2031-02-27T18:30:59.999999',
        remaining_uses: 3,
        roles: [{ id: ids.role_reader }, { name: 'member' }],
      }),
    })
    assert.equal(res.status, 201, res.body)
    const t = res.json.trust
    assert.equal(t.expires_at, '2031-02-27T18:30:59.000000Z')
    assert.equal(t.remaining_uses, 3)
    assert.equal(t.redelegation_count, 0)
    assert.deepEqual(t.roles.map((r: { name: string }) => r.name).sort(), ['member', 'reader'])
    const stored = await api().store.trusts.get(t.id)
    assert.equal(stored.expiresAt, Date.UTC(2031, 1, 27, 18, 30, 59) * 1000 + 999_999)
  })
})
