/**
 * Endpoint lookup from a real token's catalog by service type, interface and region, and relative
 * URLs joined to the endpoint (or an override) the way keystoneauth joins them.
 * @module
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import {
  type CatalogEntry,
  EndpointNotFound,
  endpointFromCatalog,
  PasswordAuth,
  Session,
} from '../../packages/client/src/index.ts'
import { type Identity, json, type Loopback, startIdentity, startLoopback } from './support.ts'

let identity: Identity
let compute: Loopback
let session: Session

before(async () => {
  identity = await startIdentity()
  compute = await startLoopback((r, res) => json(res, 200, { path: r.url }))
  await identity.admin('POST', '/regions', { region: { id: 'RegionTwo' } })
  const service = (
    await identity.admin('POST', '/services', { service: { type: 'compute', name: 'nova' } })
  ).service as { id: string }
  const endpoints: [string, string, string][] = [
    ['public', 'RegionOne', `${compute.url}/r1/public/`],
    ['internal', 'RegionOne', `${compute.url}/r1/internal`],
    ['public', 'RegionTwo', `${compute.url}/r2/public`],
  ]
  for (const [iface, region, url] of endpoints) {
    await identity.admin('POST', '/endpoints', {
      endpoint: { service_id: service.id, interface: iface, region_id: region, url },
    })
  }
  const { alice } = identity.users
  const auth = new PasswordAuth({
    authUrl: identity.url,
    userId: alice.id,
    password: alice.password,
    projectId: identity.projects.demo,
  })
  session = new Session({ auth, clock: identity.clock })
})
after(async () => {
  await compute?.close()
  await identity?.close()
})

test('endpoints are found by type, interface (default public) and region', async () => {
  assert.equal(await session.getEndpoint({ serviceType: 'identity' }), `${identity.url}/v3/`)
  assert.equal(
    await session.getEndpoint({ serviceType: 'compute', interface: 'internal' }),
    `${compute.url}/r1/internal`,
  )
  assert.equal(
    await session.getEndpoint({ serviceType: 'compute', regionName: 'RegionTwo' }),
    `${compute.url}/r2/public`,
  )
  assert.equal(
    await session.getEndpoint({
      serviceType: 'compute',
      regionName: 'RegionOne',
      serviceName: 'nova',
    }),
    `${compute.url}/r1/public/`,
  )
  assert.equal(await session.getEndpoint({ serviceType: 'compute', interface: 'admin' }), undefined)
  assert.equal(
    await session.getEndpoint({ serviceType: 'compute', serviceName: 'other' }),
    undefined,
  )
  assert.equal(await session.getEndpoint({ serviceType: 'volumev3' }), undefined)
})

test('a relative URL is joined to the endpoint without doubling or losing slashes', async () => {
  const cases: [string, string | undefined, string][] = [
    ['/servers/detail', 'RegionOne', '/r1/public/servers/detail'],
    ['servers', 'RegionOne', '/r1/public/servers'],
    ['servers', 'RegionTwo', '/r2/public/servers'],
  ]
  for (const [path, regionName, expected] of cases) {
    const res = await session.request(path, {
      endpointFilter: {
        serviceType: 'compute',
        ...(regionName === undefined ? {} : { regionName }),
      },
      query: { all_tenants: '1' },
    })
    assert.deepEqual(res.json(), { path: `${expected}?all_tenants=1` })
  }
  const override = await session.request('//flavors', {
    endpointOverride: `${compute.url}/pinned//`,
  })
  assert.deepEqual(override.json(), { path: '/pinned/flavors' })
  assert.match(String(compute.received.at(-1)?.headers['x-auth-token']), /^gAAAAA/)
})

test('no matching endpoint, or no filter for a relative URL, is EndpointNotFound', async () => {
  await assert.rejects(
    session.request('servers', {
      endpointFilter: { serviceType: 'compute', regionName: 'RegionNine' },
    }),
    (e: Error) => e instanceof EndpointNotFound && /compute.*RegionNine/.test(e.message),
  )
  await assert.rejects(session.request('servers'), EndpointNotFound)
  await assert.rejects(
    new Session().request('servers', { endpointFilter: { serviceType: 'compute' } }),
    EndpointNotFound,
  )
})

test('catalog matching accepts v2 interface names and legacy region fields', () => {
  const catalog: CatalogEntry[] = [
    {
      type: 'image',
      name: 'glance',
      endpoints: [
        { interface: 'publicURL', region: 'North', url: 'http://north' },
        { interface: 'internal', region_id: 'South', region: null, url: 'http://south-internal' },
      ],
    },
    {
      type: 'image',
      name: 'glance2',
      endpoints: [{ interface: 'public', region_id: 'South', url: 'http://south' }],
    },
  ]
  assert.equal(endpointFromCatalog(catalog, { serviceType: 'image' }), 'http://north')
  assert.equal(
    endpointFromCatalog(catalog, { serviceType: 'image', regionName: 'South' }),
    'http://south',
  )
  assert.equal(
    endpointFromCatalog(catalog, {
      serviceType: 'image',
      interface: 'internal',
      regionName: 'South',
    }),
    'http://south-internal',
  )
  assert.equal(
    endpointFromCatalog(catalog, { serviceType: 'image', serviceName: 'glance2' }),
    'http://south',
  )
  assert.equal(
    endpointFromCatalog(catalog, { serviceType: 'image', interface: 'admin' }),
    undefined,
  )
})
