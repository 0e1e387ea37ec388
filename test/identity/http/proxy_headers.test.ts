/**
 * `[oslo_middleware] enable_proxy_headers_parsing`: off (the default), X-Forwarded-* and Forwarded
 * change nothing; on, they give version discovery and links.self the public scheme, host and
 * prefix, as oslo.middleware's HTTPProxyToWSGI does (RFC 7239 `Forwarded` first, then
 * X-Forwarded-*), and values a host cannot have are ignored.
 * @module
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { forwardedView, loadConfig } from '@baton/config'
import { identityOptionGroups } from '@baton/identity'
import { buildIdentityApp } from '../../../packages/identity/src/http/app.ts'

function app(parsing: boolean) {
  const overrides = { oslo_middleware: { enable_proxy_headers_parsing: String(parsing) } }
  return buildIdentityApp({
    config: loadConfig({ files: [], overrides, groups: identityOptionGroups }),
  })
}

async function selfLink(parsing: boolean, headers: Record<string, string>): Promise<string> {
  const res = await app(parsing).inject({
    url: '/v3',
    headers: { host: '127.0.0.1:5000', ...headers },
  })
  assert.equal(res.statusCode, 200)
  return (res.json() as { version: { links: { href: string }[] } }).version.links[0]?.href ?? ''
}

const X_FORWARDED = {
  'x-forwarded-proto': 'https',
  'x-forwarded-host': 'identity.example.com',
  'x-forwarded-for': '203.0.113.9',
}

test('off by default: forwarded headers are ignored', async () => {
  assert.equal(await selfLink(false, X_FORWARDED), 'http://127.0.0.1:5000/v3/')
  const config = loadConfig({ files: [], groups: identityOptionGroups })
  const root = await buildIdentityApp({ config }).inject({
    url: '/',
    headers: { host: '127.0.0.1:5000', forwarded: 'proto=https;host=evil.example' },
  })
  assert.equal(root.headers.location, 'http://127.0.0.1:5000/v3/')
})

test('on: X-Forwarded-Proto/Host (and Port, Prefix) make the public URL', async () => {
  assert.equal(await selfLink(true, X_FORWARDED), 'https://identity.example.com/v3/')
  assert.equal(
    await selfLink(true, { ...X_FORWARDED, 'x-forwarded-port': '8443' }),
    'https://identity.example.com:8443/v3/',
  )
  assert.equal(
    await selfLink(true, { ...X_FORWARDED, 'x-forwarded-prefix': '/identity' }),
    'https://identity.example.com/identity/v3/',
  )
  // only the scheme: the Host header stays
  assert.equal(await selfLink(true, { 'x-forwarded-proto': 'https' }), 'https://127.0.0.1:5000/v3/')
})

test('on: RFC 7239 Forwarded wins over X-Forwarded-*; its first element is the client side', async () => {
  const forwarded = 'for=192.0.2.60;proto=https;host="id.example.org:443", for=10.0.0.1;proto=http'
  assert.equal(
    await selfLink(true, { ...X_FORWARDED, forwarded }),
    'https://id.example.org:443/v3/',
  )
  const root = await app(true).inject({ url: '/', headers: { host: 'x:1', forwarded } })
  assert.equal(root.statusCode, 300)
  assert.equal(root.headers.location, 'https://id.example.org:443/v3/')
})

test('on: a scheme or host that cannot be one is ignored, not copied into links', async () => {
  assert.equal(
    await selfLink(true, { 'x-forwarded-proto': 'javascript', 'x-forwarded-host': 'a b<script>' }),
    'http://127.0.0.1:5000/v3/',
  )
  assert.deepEqual(forwardedView({ forwarded: 'for="[2001:db8::1]:4711";proto=HTTPS' }), {
    proto: 'https',
    for: '[2001:db8::1]:4711',
  })
  assert.deepEqual(forwardedView({ 'x-forwarded-for': '198.51.100.7, 10.0.0.2' }), {
    for: '198.51.100.7',
  })
})
