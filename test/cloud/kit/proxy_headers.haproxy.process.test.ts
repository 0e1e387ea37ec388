/**
 * The reference services behind a real HAProxy on loopback (TLS terminated "elsewhere": HAProxy
 * sets X-Forwarded-Proto https, a public X-Forwarded-Host, `option forwardfor` adds the client;
 * compute is published under a path prefix, announced as X-Forwarded-Prefix): with
 * `[oslo_middleware] enable_proxy_headers_parsing = true` their version documents, links and
 * Location headers carry the public URL through the proxy and the direct URL when called directly,
 * and `/metrics` judges the client the proxy names. A service without the option ignores the
 * headers. Skips when /usr/sbin/haproxy is not installed.
 * @module
 */
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { after, before, test } from 'node:test'
import {
  type ForwardingProxy,
  HAPROXY_BIN,
  HAPROXY_MISSING,
  startForwardingProxy,
} from '../../support/haproxy.ts'
import { api, type Chain, type ServiceHandle, startChain } from '../chain_support.ts'
import { imageUrl, type Storage, startStorage } from '../storage_support.ts'

const skip = existsSync(HAPROXY_BIN) ? false : HAPROXY_MISSING
const TRUSTED = { enable_proxy_headers_parsing: true }
const METRICS = { enabled: true }

let chain: Chain
let compute: ServiceHandle
let volume: ServiceHandle
let plainVolume: ServiceHandle
let storage: Storage
let proxy: ForwardingProxy | null = null
const front = { compute: '', volume: '', image: '', plainVolume: '' }

const portOf = (url: string) => Number(new URL(url).port)

before(async () => {
  if (skip !== false) return
  chain = await startChain()
  const groups = { oslo_middleware: TRUSTED, metrics: METRICS }
  compute = await chain.startCompute({ groups })
  volume = await chain.startVolume({ groups })
  // the control: same proxy, option left at its default (false)
  plainVolume = await chain.startVolume({ groups: { metrics: METRICS } })
  storage = await startStorage({
    identityUrl: chain.identity.url,
    clock: chain.identity.clock,
    authtoken: chain.identity.authtokenOptions(),
    imageServiceUser: { name: 'svc', password: 'pw-svc' },
    imageConfig: ['[oslo_middleware]', 'enable_proxy_headers_parsing = true'],
  })
  proxy = await startForwardingProxy([
    {
      backendPort: portOf(compute.url),
      publicHost: 'cloud.example.test',
      prefix: '/compute',
    },
    { backendPort: portOf(volume.url), publicHost: 'volume.example.test' },
    { backendPort: storage.imagePort, publicHost: 'image.example.test' },
    { backendPort: portOf(plainVolume.url), publicHost: 'plain.example.test' },
  ])
  const urls = proxy?.urls ?? []
  front.compute = `${urls[0]}/compute`
  front.volume = urls[1] ?? ''
  front.image = urls[2] ?? ''
  front.plainVolume = urls[3] ?? ''
})

after(async () => {
  await proxy?.stop()
  await storage?.close()
  await chain?.close()
})

type Links = { href: string; rel: string }[]

test('compute: discovery and flavor links carry the public URL and prefix', { skip }, async () => {
  const root = await api(`${front.compute}/`, undefined)
  assert.equal(root.status, 200)
  const [version] = root.body.versions as { links: Links }[]
  assert.equal(version?.links[0]?.href, 'https://cloud.example.test/compute/v2.1/')
  const alice = await chain.alice()
  const flavors = await api(`${front.compute}/v2.1/flavors`, alice.token)
  assert.equal(flavors.status, 200)
  const [flavor] = flavors.body.flavors as { id: string; links: Links }[]
  assert.equal(
    flavor?.links[0]?.href,
    `https://cloud.example.test/compute/v2.1/flavors/${flavor?.id}`,
  )
  // called directly, the same service answers with its own URL
  const direct = await api(`${compute.url}/v2.1`, undefined)
  assert.equal((direct.body.version as { links: Links }).links[0]?.href, `${compute.url}/v2.1/`)
})

test('volume: discovery and a volume’s links carry the public URL', { skip }, async () => {
  const root = await fetch(`${front.volume}/`)
  assert.equal(root.status, 300)
  const { versions } = (await root.json()) as { versions: { links: Links }[] }
  const self = versions[0]?.links.find((l) => l.rel === 'self')
  assert.equal(self?.href, 'https://volume.example.test/v3/')
  const alice = await chain.alice()
  const created = await api(`${front.volume}/v3/${alice.projectId}/volumes`, alice.token, {
    method: 'POST',
    json: { volume: { size: 1, name: 'behind-proxy' } },
  })
  assert.equal(created.status, 202)
  const made = created.body.volume as { id: string; links: Links }
  assert.equal(
    made.links[0]?.href,
    `https://volume.example.test/v3/${alice.projectId}/volumes/${made.id}`,
  )
})

test('image: discovery and the Location of a new image carry the public URL', {
  skip,
}, async () => {
  const versions = await api(`${front.image}/versions`, undefined)
  const [first] = versions.body.versions as { links: Links }[]
  assert.equal(first?.links[0]?.href, 'https://image.example.test/v2/')
  const alice = await chain.alice()
  const created = await fetch(`${front.image}/v2/images`, {
    method: 'POST',
    headers: { 'X-Auth-Token': alice.token, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'p', disk_format: 'raw', container_format: 'bare' }),
  })
  assert.equal(created.status, 201)
  const { id } = (await created.json()) as { id: string }
  assert.equal(created.headers.get('location'), `https://image.example.test/v2/images/${id}`)
  const direct = await api(`${imageUrl(storage)}/versions`, undefined)
  const [own] = direct.body.versions as { links: Links }[]
  assert.equal(own?.links[0]?.href, `${imageUrl(storage)}/v2/`)
})

test('/metrics judges the forwarded client; without the option the headers are ignored', {
  skip,
}, async () => {
  // HAProxy's `option forwardfor` names the loopback client: allowed
  const through = await fetch(`${front.volume}/metrics`)
  assert.equal(through.status, 200)
  await through.arrayBuffer()
  const forged = { 'x-forwarded-for': '198.51.100.20' }
  const remote = await fetch(`${volume.url}/metrics`, { headers: forged })
  assert.equal(remote.status, 403)
  await remote.arrayBuffer()
  // option off: X-Forwarded-* mean nothing, the socket (loopback) is judged, links stay direct
  const plain = await fetch(`${plainVolume.url}/metrics`, { headers: forged })
  assert.equal(plain.status, 200)
  await plain.arrayBuffer()
  const root = await fetch(`${front.plainVolume}/`)
  const { versions } = (await root.json()) as { versions: { links: Links }[] }
  const self = versions[0]?.links.find((l) => l.rel === 'self')
  assert.equal(self?.href, `${front.plainVolume}/v3/`)
})
