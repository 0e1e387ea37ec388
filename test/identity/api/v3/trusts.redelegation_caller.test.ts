import assert from 'node:assert/strict'
import { test } from 'node:test'
import { apiSuite, assertError, caller, rowCount } from './support.ts'
import { trustWorld } from './trust_world.ts'

const T = '/v3/OS-TRUST/trusts'

apiSuite('trusts redelegated by a trust-scoped caller', (api) => {
  /** alice trusts bob with member on demo; bob's caller is then scoped to that trust. */
  async function bobOnTrust(fields: Record<string, unknown>) {
    const { ids } = await trustWorld(api())
    const parent = await api().call('POST', T, {
      token: 'alice',
      body: {
        trust: {
          trustor_user_id: ids.alice,
          trustee_user_id: ids.bob,
          project_id: ids.demo,
          impersonation: false,
          roles: [{ name: 'member' }],
          ...fields,
        },
      },
    })
    assert.equal(parent.status, 201, parent.body)
    const trustId = parent.json.trust.id as string
    api().callers.set(
      'bob-trust',
      caller({
        userId: ids.bob as string,
        roles: ['member', 'reader'],
        roleIds: [ids.role_member as string, ids.role_reader as string],
        scope: {
          kind: 'trust',
          trustId,
          projectId: ids.demo as string,
          projectDomainId: ids.default as string,
        },
      }),
    )
    return { ids, trustId }
  }
  const child = (ids: Record<string, string>, fields: Record<string, unknown> = {}) => ({
    trust: {
      ...fields,
      trustor_user_id: ids.bob,
      trustee_user_id: ids.carol,
      project_id: ids.demo,
      impersonation: false,
      roles: [{ name: 'member' }],
    },
  })

  test('a redelegatable trust is redelegated: the child names its parent, one hop less', async () => {
    const { ids, trustId } = await bobOnTrust({ allow_redelegation: true, redelegation_count: 2 })
    const res = await api().call('POST', T, {
      token: 'bob-trust',
      body: child(ids, { allow_redelegation: true }),
    })
    assert.equal(res.status, 201, res.body)
    assert.equal(res.json.trust.redelegated_trust_id, trustId)
    assert.equal(res.json.trust.redelegation_count, 1)
    // without allow_redelegation the child is a leaf (Keystone: count 0)
    const leaf = await api().call('POST', T, {
      token: 'bob-trust',
      body: child(ids, { expires_at: '2031-01-01T00:00:00Z' }),
    })
    assert.equal(leaf.status, 201, leaf.body)
    assert.equal(leaf.json.trust.redelegated_trust_id, trustId)
    assert.equal(leaf.json.trust.redelegation_count, 0)
  })

  test('a trust that does not allow redelegation cannot be redelegated; nothing is written', async () => {
    const { ids } = await bobOnTrust({})
    const before = await rowCount(api().env.database, 'trust')
    assertError(await api().call('POST', T, { token: 'bob-trust', body: child(ids) }), 403)
    assert.equal(await rowCount(api().env.database, 'trust'), before)
  })

  test('a caller whose trust was deleted redelegates nothing (404)', async () => {
    const { ids, trustId } = await bobOnTrust({ allow_redelegation: true })
    assert.equal((await api().call('DELETE', `${T}/${trustId}`, { token: 'alice' })).status, 204)
    const before = await rowCount(api().env.database, 'trust')
    assertError(await api().call('POST', T, { token: 'bob-trust', body: child(ids) }), 404)
    assert.equal(await rowCount(api().env.database, 'trust'), before)
  })

  test('a trust-scoped caller touches no credential or application credential (403), writes nothing', async () => {
    const { ids } = await bobOnTrust({})
    const { database } = api().env
    const counts = async () => [
      await rowCount(database, 'credential'),
      await rowCount(database, 'application_credential'),
    ]
    const before = await counts()
    const refused: [string, string, unknown][] = [
      ['POST', `/v3/users/${ids.bob}/credentials/OS-EC2`, { tenant_id: ids.demo }],
      ['GET', `/v3/users/${ids.bob}/credentials/OS-EC2`, undefined],
      [
        'POST',
        '/v3/credentials',
        { credential: { type: 'cert', user_id: ids.bob, project_id: ids.demo, blob: 'x' } },
      ],
      [
        'POST',
        `/v3/users/${ids.bob}/application_credentials`,
        { application_credential: { name: 'x' } },
      ],
      ['GET', `/v3/users/${ids.bob}/application_credentials`, undefined],
      ['GET', `/v3/users/${ids.bob}/access_rules`, undefined],
    ]
    for (const [method, path, body] of refused) {
      const res = await api().call(method as 'GET', path, { token: 'bob-trust', body })
      assertError(res, 403)
    }
    assert.deepEqual(await counts(), before)
  })
})
