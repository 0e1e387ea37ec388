/**
 * OS-EP-FILTER over the resource API (keystone/api/os_ep_filter.py): endpoint-group CRUD and its
 * validation, the project<->endpoint and project<->group associations with Keystone's status
 * codes and messages, the listings, policy (a member is refused), and the cascades when a
 * project, an endpoint or a group is deleted.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { apiSuite, assertError, rowCount } from './support.ts'

const BASE = 'http://ks.example:5000/v3'

apiSuite('OS-EP-FILTER endpoint groups and associations', (api) => {
  async function world() {
    const seed = await api().seed()
    const { store } = api()
    const compute = await store.catalog.createService({ type: 'compute', name: 'nova' })
    const image = await store.catalog.createService({ type: 'image', name: 'glance' })
    const ep = async (serviceId: string, iface: 'public' | 'internal') =>
      (
        await store.catalog.createEndpoint({
          serviceId,
          interface: iface,
          url: `http://${iface}.example/${serviceId}`,
        })
      ).id
    return {
      seed,
      compute: compute.id,
      image: image.id,
      computePublic: await ep(compute.id, 'public'),
      computeInternal: await ep(compute.id, 'internal'),
      imagePublic: await ep(image.id, 'public'),
    }
  }

  test('endpoint group CRUD: wire shape, name filter, 404s, 400s', async () => {
    const w = await world()
    const res = await api().call('POST', '/v3/OS-EP-FILTER/endpoint_groups', {
      body: { endpoint_group: { name: 'computes', filters: { service_id: w.compute } } },
    })
    assert.equal(res.status, 201, res.body)
    const id = res.json.endpoint_group.id
    assert.match(id, /^[0-9a-f]{32}$/)
    assert.deepEqual(res.json.endpoint_group, {
      id,
      name: 'computes',
      description: null,
      filters: { service_id: w.compute },
      links: { self: `${BASE}/OS-EP-FILTER/endpoint_groups/${id}` },
    })
    const got = await api().call('GET', `/v3/OS-EP-FILTER/endpoint_groups/${id}`)
    assert.deepEqual(got.json, res.json)
    const patched = await api().call('PATCH', `/v3/OS-EP-FILTER/endpoint_groups/${id}`, {
      body: { endpoint_group: { description: 'public ones', filters: { interface: 'public' } } },
    })
    assert.equal(patched.status, 200, patched.body)
    assert.equal(patched.json.endpoint_group.description, 'public ones')
    assert.deepEqual(patched.json.endpoint_group.filters, { interface: 'public' })
    await api().call('POST', '/v3/OS-EP-FILTER/endpoint_groups', {
      body: { endpoint_group: { name: 'other', filters: { interface: 'internal' } } },
    })
    const all = await api().call('GET', '/v3/OS-EP-FILTER/endpoint_groups')
    assert.equal(all.json.endpoint_groups.length, 2)
    assert.equal(all.json.links.self, `${BASE}/OS-EP-FILTER/endpoint_groups`)
    const named = await api().call('GET', '/v3/OS-EP-FILTER/endpoint_groups?name=computes')
    assert.deepEqual(
      named.json.endpoint_groups.map((g: { id: string }) => g.id),
      [id],
    )
    const endpoints = await api().call('GET', `/v3/OS-EP-FILTER/endpoint_groups/${id}/endpoints`)
    assert.deepEqual(
      endpoints.json.endpoints.map((e: { id: string }) => e.id).sort(),
      [w.computePublic, w.imagePublic].sort(),
    )
    assert.equal(endpoints.json.endpoints[0].links.self.startsWith(`${BASE}/endpoints/`), true)

    assertError(
      await api().call('GET', '/v3/OS-EP-FILTER/endpoint_groups/nope'),
      404,
      'Could not find Endpoint Group: nope.',
    )
    assertError(
      await api().call('PATCH', '/v3/OS-EP-FILTER/endpoint_groups/nope', {
        body: { endpoint_group: { name: 'x' } },
      }),
      404,
    )
    assertError(await api().call('DELETE', '/v3/OS-EP-FILTER/endpoint_groups/nope'), 404)
    assertError(await api().call('GET', '/v3/OS-EP-FILTER/endpoint_groups/nope/endpoints'), 404)
    const post = (body: unknown) => api().call('POST', '/v3/OS-EP-FILTER/endpoint_groups', { body })
    assertError(await post({ endpoint_group: { filters: {} } }), 400, /'name' is a required/)
    assertError(
      await post({ endpoint_group: { name: 'x', filters: {} } }),
      400,
      'filters field is required and cannot be empty',
    )
    assertError(
      await post({ endpoint_group: { name: 'x', filters: { url: 'http://a' } } }),
      400,
      /^Expecting to find service_id or region_id or interface in endpoint_group\./,
    )
    assertError(await post({ endpoint_group: { name: 'x', filters: 'service_id' } }), 400)
    assertError(
      await post({ endpoint_group: { name: 'x', filters: { interface: 'public' }, x: 1 } }),
      400,
    )
    assertError(
      await api().call('PATCH', `/v3/OS-EP-FILTER/endpoint_groups/${id}`, {
        body: { endpoint_group: {} },
      }),
      400,
    )
    assertError(
      await api().call('PATCH', `/v3/OS-EP-FILTER/endpoint_groups/${id}`, {
        body: { endpoint_group: { id: 'other' } },
      }),
      400,
      'Cannot change ID',
    )
    assert.equal(await rowCount(api().env.database, 'endpoint_group'), 2)
    const del = await api().call('DELETE', `/v3/OS-EP-FILTER/endpoint_groups/${id}`)
    assert.equal(del.status, 204)
    assertError(await api().call('GET', `/v3/OS-EP-FILTER/endpoint_groups/${id}`), 404)
  })

  test('project <-> endpoint: PUT 204, 409 again, check, lists, remove, 404s', async () => {
    const w = await world()
    const p = w.seed.projectId
    const path = `/v3/OS-EP-FILTER/projects/${p}/endpoints/${w.computePublic}`
    assert.equal((await api().call('PUT', path)).status, 204)
    assertError(
      await api().call('PUT', path),
      409,
      'Conflict occurred attempting to store project_endpoint - Duplicate entry.',
    )
    assert.equal((await api().call('GET', path)).status, 204)
    assert.equal((await api().call('HEAD', path)).status, 204)
    const list = await api().call('GET', `/v3/OS-EP-FILTER/projects/${p}/endpoints`)
    assert.deepEqual(
      list.json.endpoints.map((e: { id: string }) => e.id),
      [w.computePublic],
    )
    assert.equal(list.json.endpoints[0].region, null)
    const projects = await api().call(
      'GET',
      `/v3/OS-EP-FILTER/endpoints/${w.computePublic}/projects`,
    )
    assert.deepEqual(
      projects.json.projects.map((x: { id: string; links: { self: string } }) => [
        x.id,
        x.links.self,
      ]),
      [[p, `${BASE}/projects/${p}`]],
    )
    const other = `/v3/OS-EP-FILTER/projects/${p}/endpoints/${w.imagePublic}`
    assertError(
      await api().call('GET', other),
      404,
      `Endpoint ${w.imagePublic} not found in project ${p}`,
    )
    assertError(await api().call('DELETE', other), 404)
    assertError(
      await api().call('PUT', `/v3/OS-EP-FILTER/projects/${p}/endpoints/nope`),
      404,
      'Could not find endpoint: nope.',
    )
    assertError(
      await api().call('PUT', `/v3/OS-EP-FILTER/projects/nope/endpoints/${w.imagePublic}`),
      404,
      'Could not find project: nope.',
    )
    assertError(await api().call('GET', '/v3/OS-EP-FILTER/projects/nope/endpoints'), 404)
    assertError(await api().call('GET', '/v3/OS-EP-FILTER/endpoints/nope/projects'), 404)
    assert.equal((await api().call('DELETE', path)).status, 204)
    assertError(await api().call('GET', path), 404)
    assert.equal(await rowCount(api().env.database, 'project_endpoint'), 0)
  })

  test('project <-> endpoint group: association member, lists, 409, 404s', async () => {
    const w = await world()
    const p = w.seed.projectId
    const group = (
      await api().call('POST', '/v3/OS-EP-FILTER/endpoint_groups', {
        body: { endpoint_group: { name: 'g', filters: { service_id: w.image } } },
      })
    ).json.endpoint_group
    const path = `/v3/OS-EP-FILTER/endpoint_groups/${group.id}/projects/${p}`
    assertError(await api().call('GET', path), 404, 'Endpoint Group Project Association not found')
    assert.equal((await api().call('PUT', path)).status, 204)
    assertError(
      await api().call('PUT', path),
      409,
      'Conflict occurred attempting to store project_endpoint_group - Duplicate entry.',
    )
    const got = await api().call('GET', path)
    assert.deepEqual(got.json, {
      project_endpoint_group: {
        endpoint_group_id: group.id,
        project_id: p,
        links: { self: `/OS-EP-FILTER/endpoint_groups/${group.id}/projects/${p}` },
      },
    })
    const groups = await api().call('GET', `/v3/OS-EP-FILTER/projects/${p}/endpoint_groups`)
    assert.deepEqual(
      groups.json.endpoint_groups.map((g: { id: string }) => g.id),
      [group.id],
    )
    const projects = await api().call(
      'GET',
      `/v3/OS-EP-FILTER/endpoint_groups/${group.id}/projects`,
    )
    assert.deepEqual(
      projects.json.projects.map((x: { id: string }) => x.id),
      [p],
    )
    // a direct association and the group's endpoints, each once
    await api().call('PUT', `/v3/OS-EP-FILTER/projects/${p}/endpoints/${w.computePublic}`)
    await api().call('PUT', `/v3/OS-EP-FILTER/projects/${p}/endpoints/${w.imagePublic}`)
    const eps = await api().call('GET', `/v3/OS-EP-FILTER/projects/${p}/endpoints`)
    assert.deepEqual(
      eps.json.endpoints.map((e: { id: string }) => e.id).sort(),
      [w.computePublic, w.imagePublic].sort(),
    )
    // an unknown group lists no projects (Keystone does not look the group up there)
    const none = await api().call('GET', '/v3/OS-EP-FILTER/endpoint_groups/nope/projects')
    assert.deepEqual(none.json.projects, [])
    assertError(
      await api().call('PUT', `/v3/OS-EP-FILTER/endpoint_groups/nope/projects/${p}`),
      404,
      'Could not find Endpoint Group: nope.',
    )
    assertError(
      await api().call('PUT', `/v3/OS-EP-FILTER/endpoint_groups/${group.id}/projects/nope`),
      404,
      'Could not find project: nope.',
    )
    assert.equal((await api().call('DELETE', path)).status, 204)
    assertError(
      await api().call('DELETE', path),
      404,
      'Endpoint Group Project Association not found',
    )
  })

  test('policy: a member may not read or write; a system reader may read', async () => {
    const w = await world()
    const p = w.seed.projectId
    for (const [method, path] of [
      ['GET', '/v3/OS-EP-FILTER/endpoint_groups'],
      ['POST', '/v3/OS-EP-FILTER/endpoint_groups'],
      ['PUT', `/v3/OS-EP-FILTER/projects/${p}/endpoints/${w.computePublic}`],
      ['GET', `/v3/OS-EP-FILTER/projects/${p}/endpoints`],
    ] as const) {
      const res = await api().call(method, path, {
        token: 'member',
        body: { endpoint_group: { name: 'x', filters: { interface: 'public' } } },
      })
      assertError(res, 403)
    }
    assert.equal(await rowCount(api().env.database, 'endpoint_group'), 0)
    assert.equal(await rowCount(api().env.database, 'project_endpoint'), 0)
    const read = await api().call('GET', `/v3/OS-EP-FILTER/projects/${p}/endpoints`, {
      token: 'system-reader',
    })
    assert.equal(read.status, 200, read.body)
    assertError(
      await api().call('PUT', `/v3/OS-EP-FILTER/projects/${p}/endpoints/${w.computePublic}`, {
        token: 'system-reader',
      }),
      403,
    )
  })

  test('deleting an endpoint, a project or a group removes their associations', async () => {
    const w = await world()
    const { store } = api()
    const spare = await store.resource.createProject({ name: 'spare', domainId: w.seed.domainId })
    const group = (
      await api().call('POST', '/v3/OS-EP-FILTER/endpoint_groups', {
        body: { endpoint_group: { name: 'g', filters: { interface: 'public' } } },
      })
    ).json.endpoint_group
    for (const project of [w.seed.projectId, spare.id]) {
      await api().call('PUT', `/v3/OS-EP-FILTER/projects/${project}/endpoints/${w.computePublic}`)
      await api().call('PUT', `/v3/OS-EP-FILTER/projects/${project}/endpoints/${w.imagePublic}`)
      await api().call('PUT', `/v3/OS-EP-FILTER/endpoint_groups/${group.id}/projects/${project}`)
    }
    assert.equal(await rowCount(api().env.database, 'project_endpoint'), 4)
    assert.equal((await api().call('DELETE', `/v3/endpoints/${w.computePublic}`)).status, 204)
    assert.equal(await rowCount(api().env.database, 'project_endpoint'), 2)
    assert.equal((await api().call('DELETE', `/v3/services/${w.image}`)).status, 204)
    assert.equal(await rowCount(api().env.database, 'project_endpoint'), 0)
    await api().call('PATCH', `/v3/projects/${spare.id}`, { body: { project: { enabled: false } } })
    assert.equal((await api().call('DELETE', `/v3/projects/${spare.id}`)).status, 204)
    assert.equal(await rowCount(api().env.database, 'project_endpoint_group'), 1)
    assert.equal(
      (await api().call('DELETE', `/v3/OS-EP-FILTER/endpoint_groups/${group.id}`)).status,
      204,
    )
    assert.equal(await rowCount(api().env.database, 'project_endpoint_group'), 0)
  })
})
