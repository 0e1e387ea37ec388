import assert from 'node:assert/strict'
import { test } from 'node:test'
import { apiSuite, assertError } from './support.ts'

apiSuite('/v3/groups and membership', (api) => {
  test('create, get, update, list with Keystone entities and errors', async () => {
    await api().seed()
    const res = await api().call('POST', '/v3/groups', {
      body: { group: { name: 'devs', team: 'x' } },
    })
    assert.equal(res.status, 201, res.body)
    const g = res.json.group
    assert.deepEqual(g, {
      team: 'x',
      id: g.id,
      name: 'devs',
      domain_id: 'default',
      description: '',
      links: { self: `http://ks.example:5000/v3/groups/${g.id}` },
    })
    assertError(
      await api().call('POST', '/v3/groups', { body: { group: { name: 'devs' } } }),
      409,
      'Conflict occurred attempting to store group - Duplicate entry found with name devs at domain ID default.',
    )
    const long = 'g'.repeat(65)
    assertError(
      await api().call('POST', '/v3/groups', { body: { group: { name: long } } }),
      400,
      `String length exceeded. The length of string '${long}' exceeds the limit of column name(CHAR(64)).`,
    )
    const upd = await api().call('PATCH', `/v3/groups/${g.id}`, {
      body: { group: { description: 'd' } },
    })
    assert.equal(upd.json.group.description, 'd')
    assert.equal(upd.json.group.team, 'x')
    assert.deepEqual((await api().call('GET', '/v3/groups?name=devs')).json.groups.length, 1)
    assertError(await api().call('GET', '/v3/groups/nope'), 404, 'Could not find group: nope.')
  })

  test('membership PUT/HEAD/GET/DELETE; removal revokes the member', async () => {
    const s = await api().seed()
    const g = (await api().call('POST', '/v3/groups', { body: { group: { name: 'g' } } })).json
      .group.id
    const url = `/v3/groups/${g}/users/${s.memberId}`
    assertError(await api().call('HEAD', url), 404)
    assertError(await api().call('GET', url), 404, `User '${s.memberId}' not found in group '${g}'`)
    assert.equal((await api().call('PUT', url)).status, 204)
    assert.equal((await api().call('PUT', url)).status, 204)
    assert.equal((await api().call('HEAD', url)).status, 204)
    const users = await api().call('GET', `/v3/groups/${g}/users`)
    assert.deepEqual(
      users.json.users.map((u: { id: string }) => u.id),
      [s.memberId],
    )
    assert.equal((await api().call('DELETE', url)).status, 204)
    assertError(await api().call('DELETE', url), 404)
    assertError(
      await api().call('PUT', `/v3/groups/nope/users/${s.memberId}`),
      404,
      'Could not find group: nope.',
    )
    assertError(
      await api().call('PUT', `/v3/groups/${g}/users/nope`),
      404,
      'Could not find user: nope.',
    )
    assert.deepEqual(
      (await api().store.revocation.listSince()).map((e) => e.userId),
      [s.memberId],
    )
  })

  test('deleting a group revokes its members only if it had role assignments', async () => {
    const s = await api().seed()
    const mk = async (name: string) =>
      (await api().call('POST', '/v3/groups', { body: { group: { name } } })).json.group.id
    const quiet = await mk('quiet')
    const loud = await mk('loud')
    for (const g of [quiet, loud]) await api().call('PUT', `/v3/groups/${g}/users/${s.adminId}`)
    await api().call('PUT', `/v3/projects/${s.projectId}/groups/${loud}/roles/${s.roles.reader}`)
    assert.equal((await api().call('DELETE', `/v3/groups/${quiet}`)).status, 204)
    assert.deepEqual(await api().store.revocation.listSince(), [])
    assert.equal((await api().call('DELETE', `/v3/groups/${loud}`)).status, 204)
    assert.deepEqual(
      (await api().store.revocation.listSince()).map((e) => e.userId),
      [s.adminId],
    )
    assertError(await api().call('DELETE', '/v3/groups/nope', { token: 'member' }), 404)
  })
})
