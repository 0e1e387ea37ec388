import assert from 'node:assert/strict'
import { test } from 'node:test'
import { type Api, apiSuite, assertError } from './support.ts'

const BASE = 'http://ks.example:5000/v3'

async function world(api: Api) {
  const s = await api.seed()
  const g = (await api.call('POST', '/v3/groups', { body: { group: { name: 'g' } } })).json.group
    .id as string
  await api.call('PUT', `/v3/groups/${g}/users/${s.memberId}`)
  await api.call('PUT', `/v3/projects/${s.projectId}/groups/${g}/roles/${s.roles.service}`)
  await api.call('PUT', `/v3/system/users/${s.adminId}/roles/${s.roles.reader}`)
  return { ...s, g }
}

apiSuite('GET /v3/role_assignments', (api) => {
  test('direct listing: project, domain and system rows with assignment links', async () => {
    const s = await world(api())
    const res = await api().call('GET', '/v3/role_assignments')
    assert.equal(res.status, 200, res.body)
    assert.deepEqual(res.json.links, {
      self: `${BASE}/role_assignments`,
      previous: null,
      next: null,
    })
    const rows = res.json.role_assignments
    assert.equal(rows.length, 4)
    assert.deepEqual(
      rows.find((r: { group?: unknown }) => r.group),
      {
        links: {
          assignment: `${BASE}/projects/${s.projectId}/groups/${s.g}/roles/${s.roles.service}`,
        },
        scope: { project: { id: s.projectId } },
        group: { id: s.g },
        role: { id: s.roles.service },
      },
    )
    const system = await api().call('GET', '/v3/role_assignments?scope.system=all')
    assert.deepEqual(system.json.role_assignments, [
      {
        links: { assignment: `${BASE}/system/users/${s.adminId}/roles/${s.roles.reader}` },
        scope: { system: { all: true } },
        user: { id: s.adminId },
        role: { id: s.roles.reader },
      },
    ])
  })

  test('effective: groups become members, implied roles follow with prior_role links, no system', async () => {
    const s = await world(api())
    const res = await api().call('GET', `/v3/role_assignments?effective&user.id=${s.memberId}`)
    assert.equal(res.status, 200, res.body)
    const rows = res.json.role_assignments as {
      role: { id: string }
      links: Record<string, string>
    }[]
    const byRole = new Map(rows.map((r) => [r.role.id, r]))
    assert.deepEqual(
      [...byRole.keys()].sort(),
      [s.roles.member, s.roles.reader, s.roles.service].sort(),
    )
    assert.deepEqual(byRole.get(s.roles.service)?.links, {
      assignment: `${BASE}/projects/${s.projectId}/groups/${s.g}/roles/${s.roles.service}`,
      membership: `${BASE}/groups/${s.g}/users/${s.memberId}`,
    })
    assert.deepEqual(byRole.get(s.roles.reader)?.links, {
      assignment: `${BASE}/projects/${s.projectId}/users/${s.memberId}/roles/${s.roles.member}`,
      prior_role: `${BASE}/prior_role/${s.roles.reader}/implies/${s.roles.member}`,
    })
    const admin = await api().call(
      'GET',
      `/v3/role_assignments?effective=True&user.id=${s.adminId}`,
    )
    assert.equal(
      admin.json.role_assignments.every((r: { scope: object }) => 'project' in r.scope),
      true,
    )
    assertError(
      await api().call('GET', '/v3/role_assignments?effective&user.id=nope'),
      404,
      'Could not find user: nope.',
    )
  })

  test('inherited grants expand onto the projects below; include_names adds names', async () => {
    const s = await world(api())
    const child = (
      await api().call('POST', '/v3/projects', { body: { project: { name: 'child' } } })
    ).json.project.id
    await api().call(
      'PUT',
      `/v3/OS-INHERIT/domains/${s.domainId}/users/${s.memberId}/roles/${s.roles.service}/inherited_to_projects`,
    )
    const res = await api().call(
      'GET',
      `/v3/role_assignments?effective&include_names&scope.project.id=${child}`,
    )
    assert.deepEqual(res.json.role_assignments, [
      {
        links: {
          assignment: `${BASE}/OS-INHERIT/domains/${s.domainId}/users/${s.memberId}/roles/${s.roles.service}/inherited_to_projects`,
        },
        scope: {
          project: { id: child, name: 'child', domain: { id: s.domainId, name: 'Default' } },
          'OS-INHERIT:inherited_to': 'projects',
        },
        user: { id: s.memberId, name: 'demo', domain: { id: s.domainId, name: 'Default' } },
        role: { id: s.roles.service, name: 'service' },
      },
    ])
    const direct = await api().call(
      'GET',
      '/v3/role_assignments?scope.OS-INHERIT:inherited_to=projects&scope.domain.id=default',
    )
    assert.equal(direct.json.role_assignments[0].scope['OS-INHERIT:inherited_to'], 'projects')
  })

  test('include_subtree needs scope.project.id and lists the subtree', async () => {
    const s = await world(api())
    const child = (
      await api().call('POST', '/v3/projects', {
        body: { project: { name: 'c', parent_id: s.projectId } },
      })
    ).json.project.id
    await api().call('PUT', `/v3/projects/${child}/users/${s.adminId}/roles/${s.roles.reader}`)
    const res = await api().call(
      'GET',
      `/v3/role_assignments?include_subtree&scope.project.id=${s.projectId}`,
    )
    const projects = res.json.role_assignments.map(
      (r: { scope: { project: { id: string } } }) => r.scope.project.id,
    )
    assert.equal(projects.includes(child), true)
    assertError(
      await api().call('GET', '/v3/role_assignments?include_subtree'),
      400,
      'scope.project.id must be specified if include_subtree is also specified',
    )
    assertError(
      await api().call('GET', '/v3/role_assignments?include_subtree&scope.project.id=nope'),
      404,
    )
  })

  test('contradictory filters are 400s with Keystone messages', async () => {
    await world(api())
    const cases: [string, string][] = [
      ['scope.domain.id=a&scope.project.id=b', 'Specify a domain or project, not both'],
      ['scope.domain.id=a&scope.system=all', 'Specify system or domain, not both'],
      ['scope.project.id=a&scope.system=all', 'Specify system or project, not both'],
      ['user.id=a&group.id=b', 'Specify a user or group, not both'],
      [
        'effective&group.id=b',
        'Combining effective and group filter will always result in an empty list.',
      ],
      [
        'effective&scope.domain.id=a&scope.OS-INHERIT:inherited_to=projects',
        'Combining effective, domain and inherited filters will always result in an empty list.',
      ],
    ]
    for (const [query, message] of cases) {
      assertError(await api().call('GET', `/v3/role_assignments?${query}`), 400, message)
    }
    assertError(await api().call('GET', '/v3/role_assignments', { token: 'member' }), 403)
  })
})
