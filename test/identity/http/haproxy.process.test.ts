/**
 * The identity server behind a real HAProxy on loopback (TLS terminated "elsewhere": HAProxy sets
 * X-Forwarded-Proto https and the public X-Forwarded-Host, `option forwardfor` adds the client):
 * with `[oslo_middleware] enable_proxy_headers_parsing = true` version discovery and links.self
 * carry the public URL through the proxy, and the direct URL when called directly. Skips when
 * /usr/sbin/haproxy is not installed (apt install haproxy).
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
import {
  ADMIN_PASSWORD,
  startTestIdentity,
  type TestIdentity,
} from '../../support/identity_server.ts'
import { passwordLogin } from '../../support/login.ts'

const skip = existsSync(HAPROXY_BIN) ? false : HAPROXY_MISSING
const PUBLIC_HOST = 'identity.example.test'

let identity: TestIdentity
let proxy: ForwardingProxy | null = null
let proxyUrl = ''

before(async () => {
  if (skip !== false) return
  identity = await startTestIdentity({
    extraConfig: [
      '[oslo_middleware]',
      'enable_proxy_headers_parsing = true',
      '[metrics]',
      'enabled = true',
    ],
  })
  proxy = await startForwardingProxy([
    { backendPort: Number(new URL(identity.url).port), publicHost: PUBLIC_HOST },
  ])
  proxyUrl = proxy?.urls[0] ?? ''
})

after(async () => {
  await proxy?.stop()
  await identity?.close()
})

test('through HAProxy: discovery and links.self carry the public https URL', { skip }, async () => {
  const root = await fetch(`${proxyUrl}/`, { redirect: 'manual' })
  assert.equal(root.status, 300)
  assert.equal(root.headers.get('location'), `https://${PUBLIC_HOST}/v3/`)
  await root.arrayBuffer()
  const v3 = (await (await fetch(`${proxyUrl}/v3`)).json()) as {
    version: { links: { href: string }[] }
  }
  assert.equal(v3.version.links[0]?.href, `https://${PUBLIC_HOST}/v3/`)
  const admin = (await passwordLogin(proxyUrl, 'admin', ADMIN_PASSWORD, 'admin')).token
  const users = (await (
    await fetch(`${proxyUrl}/v3/users`, { headers: { 'x-auth-token': admin } })
  ).json()) as { links: { self: string } }
  assert.equal(users.links.self, `https://${PUBLIC_HOST}/v3/users`)
  // the health check answers through the proxy too
  assert.equal((await fetch(`${proxyUrl}/healthcheck`)).status, 200)
})

test('called directly, the same server answers with its own URL', { skip }, async () => {
  const v3 = (await (await fetch(`${identity.url}/v3`)).json()) as {
    version: { links: { href: string }[] }
  }
  assert.equal(v3.version.links[0]?.href, `${identity.url}/v3/`)
})

test('with proxy headers trusted, /metrics judges the forwarded client address', {
  skip,
}, async () => {
  // HAProxy's `option forwardfor` names the loopback client: allowed
  assert.equal((await fetch(`${proxyUrl}/metrics`)).status, 200)
  const remote = await fetch(`${identity.url}/metrics`, {
    headers: { 'x-forwarded-for': '198.51.100.20' },
  })
  assert.equal(remote.status, 403)
  await remote.arrayBuffer()
})
