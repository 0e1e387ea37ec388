import assert from 'node:assert/strict'
import { test } from 'node:test'
import { apiSuite, assertError } from './support.ts'

apiSuite('grants on projects, domains, OS-INHERIT and the system', (api) => {
  test('project user grant: PUT 204 (idempotent), GET/HEAD 204, list, DELETE, no event', async () => {
    const s = await api().seed()
    const url = `/v3/projects/${s.projectId}/users/${s.memberId}/roles/${s.roles.reader}`
    assertError(
      await api().call('GET', url),
      404,
      `Could not find role assignment with role: ${s.roles.reader}, user or group: ${s.memberId}, project, domain, or system: ${s.projectId}.`,
    )
    assert.equal((await api().call('PUT', url)).status, 204)
    assert.equal((await api().call('PUT', url)).status, 204)
    assert.equal((await api().call('GET', url)).status, 204)
    assert.equal((await api().call('HEAD', url)).status, 204)
    const list = await api().call('GET', `/v3/projects/${s.projectId}/users/${s.memberId}/roles`)
    assert.deepEqual(list.json.roles.map((r: { name: string }) => r.name).sort(), [
      'member',
      'reader',
    ])
    assert.equal(list.json.roles[0].links.self.startsWith('http://ks.example:5000/v3/roles/'), true)
    assert.equal((await api().call('DELETE', url)).status, 204)
    assertError(await api().call('DELETE', url), 404)
    assert.deepEqual(await api().store.revocation.listSince(), [])
  })

  test('unknown role, user or project are 404s; a member may not grant', async () => {
    const s = await api().seed()
    const base = `/v3/projects/${s.projectId}/users/${s.memberId}/roles`
    assertError(await api().call('PUT', `${base}/nope`), 404, 'Could not find role: nope.')
    assertError(
      await api().call('PUT', `/v3/projects/${s.projectId}/users/nope/roles/${s.roles.reader}`),
      404,
      'Could not find user: nope.',
    )
    assertError(
      await api().call('PUT', `/v3/projects/nope/users/${s.memberId}/roles/${s.roles.reader}`),
      404,
      'Could not find project: nope.',
    )
    assertError(
      await api().call('PUT', `${base}/${s.roles.reader}`, { token: 'member' }),
      403,
      'You are not authorized to perform the requested action: identity:create_grant.',
    )
  })

  test('domain grants for groups, and domain-specific roles stay in their domain', async () => {
    const s = await api().seed()
    const g = (await api().call('POST', '/v3/groups', { body: { group: { name: 'g' } } })).json
      .group.id
    const url = `/v3/domains/${s.domainId}/groups/${g}/roles/${s.roles.reader}`
    assert.equal((await api().call('PUT', url)).status, 204)
    assert.equal((await api().call('HEAD', url)).status, 204)
    const list = await api().call('GET', `/v3/domains/${s.domainId}/groups/${g}/roles`)
    assert.deepEqual(
      list.json.roles.map((r: { name: string }) => r.name),
      ['reader'],
    )
    const other = (await api().call('POST', '/v3/domains', { body: { domain: { name: 'other' } } }))
      .json.domain.id
    const dr = (
      await api().call('POST', '/v3/roles', { body: { role: { name: 'dr', domain_id: other } } })
    ).json.role.id
    assertError(
      await api().call('PUT', `/v3/projects/${s.projectId}/users/${s.memberId}/roles/${dr}`),
      403,
      `Project ${s.projectId} must be in the same domain as the role ${dr} being assigned.`,
    )
  })

  test('OS-INHERIT grants are separate from direct ones', async () => {
    const s = await api().seed()
    const inherited = `/v3/OS-INHERIT/domains/${s.domainId}/users/${s.memberId}/roles/${s.roles.reader}/inherited_to_projects`
    assert.equal((await api().call('PUT', inherited)).status, 204)
    assert.equal((await api().call('GET', inherited)).status, 204)
    assertError(
      await api().call(
        'GET',
        `/v3/domains/${s.domainId}/users/${s.memberId}/roles/${s.roles.reader}`,
      ),
      404,
    )
    const list = await api().call(
      'GET',
      `/v3/OS-INHERIT/domains/${s.domainId}/users/${s.memberId}/roles/inherited_to_projects`,
    )
    assert.deepEqual(
      list.json.roles.map((r: { name: string }) => r.name),
      ['reader'],
    )
    const onProject = `/v3/OS-INHERIT/projects/${s.projectId}/users/${s.memberId}/roles/${s.roles.reader}/inherited_to_projects`
    assert.equal((await api().call('PUT', onProject)).status, 204)
    assert.equal((await api().call('DELETE', onProject)).status, 204)
    assert.equal((await api().call('DELETE', inherited)).status, 204)
  })

  test('system grants for users and groups; domain roles refused', async () => {
    const s = await api().seed()
    const url = `/v3/system/users/${s.memberId}/roles/${s.roles.reader}`
    assertError(await api().call('HEAD', url), 404)
    assertError(
      await api().call('GET', url),
      404,
      `Could not find role assignment with role: ${s.roles.reader}, user or group: ${s.memberId}, project, domain, or system: system.`,
    )
    assert.equal((await api().call('PUT', url)).status, 204)
    assert.equal((await api().call('GET', url)).status, 204)
    const list = await api().call('GET', `/v3/system/users/${s.memberId}/roles`)
    assert.deepEqual(
      list.json.roles.map((r: { id: string }) => r.id),
      [s.roles.reader],
    )
    assert.equal((await api().call('DELETE', url)).status, 204)
    assertError(await api().call('DELETE', url), 404)
    const dr = (
      await api().call('POST', '/v3/roles', {
        body: { role: { name: 'dr', domain_id: 'default' } },
      })
    ).json.role.id
    const g = (await api().call('POST', '/v3/groups', { body: { group: { name: 'g' } } })).json
      .group.id
    assertError(
      await api().call('PUT', `/v3/system/groups/${g}/roles/${dr}`),
      400,
      `Role ${dr} is a domain-specific role. Unable to use a domain-specific role in a system assignment.`,
    )
    assert.equal(
      (await api().call('PUT', `/v3/system/groups/${g}/roles/${s.roles.reader}`)).status,
      204,
    )
    assertError(
      await api().call('PUT', `/v3/system/groups/nope/roles/${s.roles.reader}`),
      404,
      'Could not find group: nope.',
    )
  })
})
