/**
 * The catalog of project-scoped tokens under OS-EP-FILTER (keystone sql.py `get_v3_catalog`),
 * through a real in-process server with its generation-checked caches: an association filters
 * the catalog at once (issue, validation and GET /v3/auth/catalog), a service left without
 * endpoints goes, removing the association restores the full catalog, a project without
 * associations gets everything, and `[endpoint_filter] return_all_endpoints_if_no_filter = false`
 * empties an unfiltered catalog.
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { startTestIdentity, type TestIdentity } from '../../../support/identity_server.ts'

type Catalog = { type: string; endpoints: { id: string }[] }[]

async function catalogOf(id: TestIdentity, token: string) {
  const validated = await fetch(`${id.url}/v3/auth/tokens`, {
    headers: { 'X-Auth-Token': token, 'X-Subject-Token': token },
  })
  assert.equal(validated.status, 200)
  const auth = await fetch(`${id.url}/v3/auth/catalog`, { headers: { 'X-Auth-Token': token } })
  assert.equal(auth.status, 200)
  const fromToken = ((await validated.json()) as { token: { catalog: Catalog } }).token.catalog
  const fromAuth = ((await auth.json()) as { catalog: Catalog }).catalog
  assert.deepEqual(fromAuth, fromToken)
  return fromToken
}

/** Services by type (the catalog's service order follows random service IDs), endpoint IDs sorted. */
const summary = (catalog: Catalog) =>
  catalog
    .map((s) => [s.type, s.endpoints.map((e) => e.id).sort()] as const)
    .sort(([a], [b]) => a.localeCompare(b))

let id: TestIdentity
let world: { compute: string; computePublic: string; computeInternal: string; identity: string[] }

before(async () => {
  id = await startTestIdentity()
  const service = (await id.admin('POST', '/services', { service: { type: 'compute' } })) as {
    service: { id: string }
  }
  const endpoint = async (iface: string) =>
    (
      (await id.admin('POST', '/endpoints', {
        endpoint: { service_id: service.service.id, interface: iface, url: `http://nova/${iface}` },
      })) as { endpoint: { id: string } }
    ).endpoint.id
  const computePublic = await endpoint('public')
  const computeInternal = await endpoint('internal')
  const all = (await id.admin('GET', '/endpoints')) as {
    endpoints: { id: string; service_id: string }[]
  }
  world = {
    compute: service.service.id,
    computePublic,
    computeInternal,
    identity: all.endpoints
      .filter((e) => e.service_id !== service.service.id)
      .map((e) => e.id)
      .sort(),
  }
})
after(() => id.close())

test('associations filter the catalog at once; removing them restores it', async () => {
  const alice = id.users.alice
  const demo = id.projects.demo
  const token = await id.token(alice)
  const full = summary(await catalogOf(id, token))
  assert.deepEqual(full, [
    ['compute', [world.computeInternal, world.computePublic].sort()],
    ['identity', world.identity],
  ])

  await id.admin('PUT', `/OS-EP-FILTER/projects/${demo}/endpoints/${world.computePublic}`)
  // the same token, validated again: the cached catalog is not served any more
  assert.deepEqual(summary(await catalogOf(id, token)), [['compute', [world.computePublic]]])
  // a fresh token carries it from the start
  const fresh = await fetch(`${id.url}/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { id: alice.id, password: alice.password } },
        },
        scope: { project: { id: demo } },
      },
    }),
  })
  const issued = (await fresh.json()) as { token: { catalog: Catalog } }
  assert.deepEqual(summary(issued.token.catalog), [['compute', [world.computePublic]]])

  // an endpoint group adds the internal one too
  const group = (await id.admin('POST', '/OS-EP-FILTER/endpoint_groups', {
    endpoint_group: { name: 'internal', filters: { interface: 'internal' } },
  })) as { endpoint_group: { id: string } }
  await id.admin('PUT', `/OS-EP-FILTER/endpoint_groups/${group.endpoint_group.id}/projects/${demo}`)
  const internalIdentity = (
    (await id.admin('GET', '/endpoints?interface=internal')) as {
      endpoints: { id: string; service_id: string }[]
    }
  ).endpoints
    .filter((e) => e.service_id !== world.compute)
    .map((e) => e.id)
    .sort()
  assert.deepEqual(summary(await catalogOf(id, token)), [
    ['compute', [world.computeInternal, world.computePublic].sort()],
    ['identity', internalIdentity],
  ])

  // a group's filter changed: the catalog follows
  await id.admin('PATCH', `/OS-EP-FILTER/endpoint_groups/${group.endpoint_group.id}`, {
    endpoint_group: { filters: { service_id: 'no-such-service' } },
  })
  assert.deepEqual(summary(await catalogOf(id, token)), [['compute', [world.computePublic]]])

  // a disabled associated endpoint leaves the catalog, and its service with it
  await id.admin('PATCH', `/endpoints/${world.computePublic}`, { endpoint: { enabled: false } })
  assert.deepEqual(summary(await catalogOf(id, token)), [])
  await id.admin('PATCH', `/endpoints/${world.computePublic}`, { endpoint: { enabled: true } })

  await id.admin('DELETE', `/OS-EP-FILTER/projects/${demo}/endpoints/${world.computePublic}`)
  assert.deepEqual(summary(await catalogOf(id, token)), full)
})

test('a project without associations keeps the full catalog (other projects filtered)', async () => {
  const service = id.projects.service
  await id.admin('PUT', `/OS-EP-FILTER/projects/${service}/endpoints/${world.computePublic}`)
  try {
    const alice = await id.token(id.users.alice)
    assert.equal(summary(await catalogOf(id, alice)).length, 2)
    const svc = await id.token(id.users.svc)
    assert.deepEqual(summary(await catalogOf(id, svc)), [['compute', [world.computePublic]]])
  } finally {
    await id.admin('DELETE', `/OS-EP-FILTER/projects/${service}/endpoints/${world.computePublic}`)
  }
})

test('return_all_endpoints_if_no_filter = false: no associations, no catalog', async () => {
  const strict = await startTestIdentity({
    extraConfig: ['[endpoint_filter]', 'return_all_endpoints_if_no_filter = false'],
  })
  try {
    const token = await strict.token(strict.users.alice)
    assert.deepEqual(await catalogOf(strict, token), [])
    const endpoints = (await strict.admin('GET', '/endpoints?interface=public')) as {
      endpoints: { id: string }[]
    }
    const first = endpoints.endpoints[0]?.id ?? ''
    await strict.admin('PUT', `/OS-EP-FILTER/projects/${strict.projects.demo}/endpoints/${first}`)
    assert.deepEqual(summary(await catalogOf(strict, token)), [['identity', [first]]])
  } finally {
    await strict.close()
  }
})
