import assert from 'node:assert/strict'
import { test } from 'node:test'
import { loadConfig } from '@baton/config'
import { identityOptionGroups } from '@baton/identity'
import { buildIdentityApp } from '../../../packages/identity/src/http/app.ts'

function app(overrides: Record<string, Record<string, string>> = {}) {
  const config = loadConfig({ files: [], overrides, groups: identityOptionGroups })
  return buildIdentityApp({
    config,
    routes: (instance) => {
      instance.post('/v3/echo', async (request) => ({ received: request.body ?? null }))
      instance.post('/v3/keys', async (request) => ({ keys: Object.keys(request.body ?? {}) }))
      instance.get('/v3/boom', async () => {
        throw new Error('secret detail: password=hunter2')
      })
    },
  })
}

test('GET / answers 300 with the v3 record and a Location; GET /v3 and /v3/ answer 200', async () => {
  const server = app()
  const root = await server.inject({ url: '/', headers: { host: 'ks.example:5000' } })
  assert.equal(root.statusCode, 300)
  assert.equal(root.headers.location, 'http://ks.example:5000/v3/')
  const versions = root.json() as { versions: { values: { id: string; status: string }[] } }
  assert.deepEqual(
    versions.versions.values.map((v) => [v.id, v.status]),
    [['v3.14', 'stable']],
  )
  for (const url of ['/v3', '/v3/']) {
    const v3 = await server.inject({ url, headers: { host: 'ks.example:5000' } })
    assert.equal(v3.statusCode, 200, url)
    const body = v3.json() as { version: { links: { href: string }[]; 'media-types': unknown[] } }
    assert.equal(body.version.links[0]?.href, 'http://ks.example:5000/v3/')
    assert.deepEqual(body.version['media-types'], [
      { base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' },
    ])
  }
})

test('[DEFAULT] public_endpoint replaces the request host in links', async () => {
  const server = app({ DEFAULT: { public_endpoint: 'https://identity.example/v3' } })
  const v3 = await server.inject({ url: '/v3' })
  assert.equal(
    (v3.json() as { version: { links: { href: string }[] } }).version.links[0]?.href,
    'https://identity.example/v3/',
  )
})

test('HEAD mirrors GET without a body; every response has a request id and Vary', async () => {
  const server = app()
  const head = await server.inject({ method: 'HEAD', url: '/v3' })
  assert.equal(head.statusCode, 200)
  assert.equal(head.body, '')
  assert.match(String(head.headers['x-openstack-request-id']), /^req-[0-9a-f-]{36}$/)
  assert.equal(head.headers.vary, 'X-Auth-Token')
})

test('unknown paths get 404 with Keystone error body', async () => {
  const server = app()
  const res = await server.inject({ url: '/v3/nothing-here' })
  assert.equal(res.statusCode, 404)
  assert.match(String(res.headers['content-type']), /^application\/json/)
  assert.deepEqual(res.json(), {
    error: { code: 404, title: 'Not Found', message: 'The resource could not be found.' },
  })
})

test('bodies must be JSON objects, with Keystone messages', async () => {
  const server = app()
  const cases: [string | undefined, string, string][] = [
    ['text/plain', '{"a":1}', 'Expecting to find application/json in Content-Type header.'],
    ['application/json', '{"a":', 'Expecting to find valid JSON in request body.'],
    ['application/json', '[1,2]', 'Expecting to find valid JSON in request body.'],
    ['application/json', '"text"', 'Expecting to find valid JSON in request body.'],
    ['application/json', 'null', 'Expecting to find valid JSON in request body.'],
  ]
  for (const [type, payload, message] of cases) {
    const headers: Record<string, string> = type === undefined ? {} : { 'content-type': type }
    const res = await server.inject({ method: 'POST', url: '/v3/echo', headers, payload })
    assert.equal(res.statusCode, 400, payload)
    const body = res.json() as { error: { code: number; title: string; message: string } }
    assert.equal(body.error.title, 'Bad Request')
    assert.ok(body.error.message.startsWith(message), body.error.message)
  }
  const ok = await server.inject({ method: 'POST', url: '/v3/echo', payload: { a: 1 } })
  assert.deepEqual(ok.json(), { received: { a: 1 } })
  const deep = '['.repeat(20000) + ']'.repeat(20000)
  const nested = await server.inject({
    method: 'POST',
    url: '/v3/keys',
    headers: { 'content-type': 'application/json' },
    payload: `{"a":${deep}}`,
  })
  // refused by the parser itself, before any route or schema could recurse into it
  assert.equal(nested.statusCode, 400, 'nesting past 256 levels is not valid JSON here')
  assert.match(nested.json().error.message, /^Expecting to find valid JSON in request body\./)
})

test('oversized bodies get 413; unexpected errors are 500 without details', async () => {
  const server = app({ oslo_middleware: { max_request_body_size: '1024' } })
  const big = await server.inject({
    method: 'POST',
    url: '/v3/echo',
    payload: { blob: 'x'.repeat(2048) },
  })
  assert.equal(big.statusCode, 413)
  assert.equal((big.json() as { error: { code: number } }).error.code, 413)
  const boom = await server.inject({ url: '/v3/boom' })
  assert.equal(boom.statusCode, 500)
  assert.doesNotMatch(boom.body, /hunter2|secret detail|at /)
})
