/**
 * The compute API's Nova-shaped behaviour that needs no build to finish: version documents without a
 * token, flavors, request validation, list/detail with filters and pagination, project isolation,
 * microversion negotiation.
 * @module
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import {
  api,
  type Chain,
  type Login,
  type ServiceHandle,
  startChain,
  waitFor,
} from '../chain_support.ts'
import { loginUser } from '../storage_support.ts'

let chain: Chain
let compute: ServiceHandle
let alice: Login

before(async () => {
  chain = await startChain()
  // no volume service in the catalog: builds end in ERROR, which these tests do not wait for
  compute = await chain.startCompute({ defaults: { block_device_allocate_retries_interval: 0.05 } })
  alice = await chain.alice()
})
after(() => chain.close())

type Json = Record<string, unknown>

const bdm = (o: Json = {}) => [
  {
    source_type: 'image',
    destination_type: 'volume',
    uuid: 'img',
    volume_size: 1,
    boot_index: 0,
    ...o,
  },
]

async function create(server: Json) {
  return api(`${compute.url}/v2.1/servers`, alice.token, { method: 'POST', json: { server } })
}

test('version documents answer without a token; the API does not', async () => {
  const root = await api(`${compute.url}/`, undefined)
  assert.equal(root.status, 200)
  const [doc] = root.body.versions as Json[]
  assert.equal(doc?.id, 'v2.1')
  assert.equal(doc?.min_version, '2.1')
  const v21 = await api(`${compute.url}/v2.1/`, undefined)
  assert.equal(v21.status, 200)
  assert.equal((v21.body.version as Json).status, 'CURRENT')
  assert.equal((await api(`${compute.url}/v2.1/servers`, undefined)).status, 401)
})

test('flavors: list, detail and show', async () => {
  const list = (await api(`${compute.url}/v2.1/flavors`, alice.token)).body.flavors as Json[]
  assert.deepEqual(
    list.map((f) => [f.id, f.name]),
    [
      ['1', 'm1.tiny'],
      ['2', 'm1.small'],
    ],
  )
  const detail = (await api(`${compute.url}/v2.1/flavors/detail`, alice.token)).body
    .flavors as Json[]
  assert.equal(detail[0]?.ram, 512)
  const one = await api(`${compute.url}/v2.1/flavors/2`, alice.token)
  assert.equal((one.body.flavor as Json).disk, 20)
  assert.equal((await api(`${compute.url}/v2.1/flavors/9`, alice.token)).status, 404)
})

test('create validates the body as Nova would, for boot from volume', async () => {
  const cases: [Json, RegExp][] = [
    [{ block_device_mapping_v2: bdm() }, /name/],
    [
      { name: 'x', flavorRef: '42', block_device_mapping_v2: bdm() },
      /Flavor 42 could not be found/,
    ],
    [
      { name: 'x', imageRef: 'abc', block_device_mapping_v2: bdm() },
      /boots servers from volumes only/,
    ],
    [{ name: 'x' }, /Block Device Mapping is Invalid/],
    [
      { name: 'x', block_device_mapping_v2: bdm({ source_type: 'volume' }) },
      /Block Device Mapping is Invalid/,
    ],
    [
      { name: 'x', block_device_mapping_v2: bdm({ boot_index: 1 }) },
      /Block Device Mapping is Invalid/,
    ],
    [{ name: 'x', block_device_mapping_v2: bdm({ volume_size: 0 }) }, /volume_size/],
    [
      { name: 'x', block_device_mapping_v2: bdm({ delete_on_termination: 'yes' }) },
      /delete_on_termination/,
    ],
  ]
  for (const [server, message] of cases) {
    const res = await create(server)
    assert.equal(res.status, 400, JSON.stringify(server))
    assert.match((res.body.badRequest as { message: string }).message, message)
  }
  const missing = await api(`${compute.url}/v2.1/servers`, alice.token, {
    method: 'POST',
    json: {},
  })
  assert.equal(missing.status, 400)
  // a flavor given as a URL, as novaclient may send it
  const byUrl = await create({
    name: 'url-flavor',
    flavorRef: `${compute.url}/flavors/2`,
    block_device_mapping_v2: bdm(),
  })
  assert.equal(byUrl.status, 202)
})

test('list and detail: newest first, name and status filters, limit/marker with a next link', async () => {
  const ids: string[] = []
  for (const name of ['web-1', 'web-2', 'db-1']) {
    chain.identity.clock.advance(1)
    const res = await create({ name, block_device_mapping_v2: bdm() })
    ids.push((res.body.server as Json).id as string)
  }
  const summary = (await api(`${compute.url}/v2.1/servers?name=^web`, alice.token)).body
    .servers as Json[]
  assert.deepEqual(summary.map((s) => s.name).sort(), ['web-1', 'web-2'])
  assert.deepEqual(Object.keys(summary[0] ?? {}).sort(), ['id', 'links', 'name'])
  const exact = (await api(`${compute.url}/v2.1/servers/detail?name=^db-1$`, alice.token)).body
    .servers as Json[]
  assert.deepEqual(
    exact.map((s) => s.id),
    [ids[2]],
  )
  const all = (await api(`${compute.url}/v2.1/servers/detail`, alice.token)).body.servers as Json[]
  assert.deepEqual(
    all.slice(0, 3).map((s) => s.name),
    ['db-1', 'web-2', 'web-1'],
  )
  const first = await api(`${compute.url}/v2.1/servers/detail?limit=2`, alice.token)
  assert.deepEqual(
    (first.body.servers as Json[]).map((s) => s.id),
    all.slice(0, 2).map((s) => s.id),
  )
  const next = (first.body.servers_links as { href: string; rel: string }[])[0]
  assert.equal(next?.rel, 'next')
  const second = await api(next?.href ?? '', alice.token)
  assert.equal((second.body.servers as Json[])[0]?.id, all[2]?.id)
  assert.equal((await api(`${compute.url}/v2.1/servers?marker=nope`, alice.token)).status, 400)
  // no volume service in the catalog: the builds fail, saying so
  const failed = await waitFor(
    async () =>
      (await api(`${compute.url}/v2.1/servers/${ids[0]}`, alice.token)).body.server as Json,
    (s) => s.status === 'ERROR',
  )
  assert.match(
    (failed.fault as Json).message as string,
    /compute found no volumev3 endpoint in the catalog/,
  )
  const errored = (await api(`${compute.url}/v2.1/servers/detail?status=error`, alice.token)).body
    .servers as Json[]
  assert.ok(errored.some((s) => s.id === ids[0]))
  assert.ok(errored.every((s) => s.status === 'ERROR'))
  const active = (await api(`${compute.url}/v2.1/servers?status=ACTIVE`, alice.token)).body
    .servers as Json[]
  assert.equal(active.length, 0)
})

test("another project's servers are not found", async () => {
  const mine = await create({ name: 'private', block_device_mapping_v2: bdm() })
  const id = (mine.body.server as Json).id as string
  const other = await loginUser(chain.identity.url, chain.identity.users.svc)
  const res = await api(`${compute.url}/v2.1/servers/${id}`, other.token)
  assert.equal(res.status, 404)
  assert.equal((res.body.itemNotFound as Json).message, `Instance ${id} could not be found.`)
  assert.equal(
    (await api(`${compute.url}/v2.1/servers/${id}`, other.token, { method: 'DELETE' })).status,
    404,
  )
  const listed = (await api(`${compute.url}/v2.1/servers`, other.token)).body.servers as Json[]
  assert.equal(listed.length, 0)
})

test('microversions: 2.1 and latest are answered as 2.1, higher ones are 406', async () => {
  for (const headers of [
    {},
    { 'OpenStack-API-Version': 'compute 2.1' },
    { 'X-OpenStack-Nova-API-Version': 'latest' },
  ]) {
    const res = await api(`${compute.url}/v2.1/flavors`, alice.token, { headers })
    assert.equal(res.status, 200)
    assert.equal(res.headers.get('openstack-api-version'), 'compute 2.1')
    assert.equal(res.headers.get('x-openstack-nova-api-version'), '2.1')
  }
  const high = await api(`${compute.url}/v2.1/flavors`, alice.token, {
    headers: { 'OpenStack-API-Version': 'compute 2.79' },
  })
  assert.equal(high.status, 406)
  assert.match(
    (high.body.computeFault as { message: string }).message,
    /Minimum is 2.1 and maximum is 2.1/,
  )
})
