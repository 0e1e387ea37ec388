import assert from 'node:assert/strict'
import { test } from 'node:test'
import { apiSuite, assertError } from './support.ts'

apiSuite('GET /v3/users/{id}/projects and /groups', (api) => {
  test('projects come from effective assignments (groups and inheritance included)', async () => {
    const s = await api().seed()
    const p2 = (await api().call('POST', '/v3/projects', { body: { project: { name: 'p2' } } }))
      .json.project.id
    const sub = (
      await api().call('POST', '/v3/projects', {
        body: { project: { name: 'sub', parent_id: p2 } },
      })
    ).json.project.id
    const g = (await api().call('POST', '/v3/groups', { body: { group: { name: 'g' } } })).json
      .group.id
    await api().call('PUT', `/v3/groups/${g}/users/${s.memberId}`)
    await api().call(
      'PUT',
      `/v3/OS-INHERIT/projects/${p2}/groups/${g}/roles/${s.roles.reader}/inherited_to_projects`,
    )
    const res = await api().call('GET', `/v3/users/${s.memberId}/projects`, { token: 'member' })
    assert.equal(res.status, 200, res.body)
    assert.deepEqual(
      res.json.projects.map((p: { id: string }) => p.id).sort(),
      [s.projectId, sub].sort(),
    )
    const filtered = await api().call('GET', `/v3/users/${s.memberId}/projects?name=sub`)
    assert.deepEqual(
      filtered.json.projects.map((p: { name: string }) => p.name),
      ['sub'],
    )
    assertError(
      await api().call('GET', '/v3/users/nope/projects'),
      404,
      'Could not find user: nope.',
    )
    assertError(
      await api().call('GET', `/v3/users/${s.adminId}/projects`, { token: 'member' }),
      403,
    )
  })

  test('groups of a user carry membership_expires_at', async () => {
    const s = await api().seed()
    const g = (await api().call('POST', '/v3/groups', { body: { group: { name: 'devs' } } })).json
      .group
    await api().call('PUT', `/v3/groups/${g.id}/users/${s.memberId}`)
    const res = await api().call('GET', `/v3/users/${s.memberId}/groups`, { token: 'member' })
    assert.equal(res.status, 200, res.body)
    assert.deepEqual(res.json.groups, [{ ...g, membership_expires_at: null }])
    assert.deepEqual(
      (await api().call('GET', `/v3/users/${s.memberId}/groups?name=x`)).json.groups,
      [],
    )
  })
})
