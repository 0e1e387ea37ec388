/**
 * `GET /v3/OS-BATON/keys` (the operator console's Keys view) on a real identity server: an admin
 * and a system reader read the key set, the guard's facts and the fleet; a project member is
 * refused with Keystone's ForbiddenAction body, no token is a 401; no key material ever appears.
 * And `/console/`: the bundle served with a strict CSP, or a 503 page when no bundle was built.
 * @module
 */
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import Fastify from 'fastify'
import {
  CONSOLE_HEADERS,
  registerConsoleRoutes,
} from '../../../packages/identity/src/operations/console_routes.ts'
import { buildConsole } from '../../../scripts/build_console.mjs'
import { startTestIdentity, type TestIdentity } from '../../support/identity_server.ts'
import { systemReaderToken } from '../../support/system_reader.ts'

let identity: TestIdentity
let keyDir: string
let readerToken: string

const keys = (token?: string) =>
  fetch(`${identity.url}/v3/OS-BATON/keys`, {
    headers: token === undefined ? {} : { 'x-auth-token': token },
  })

before(async () => {
  await buildConsole()
  identity = await startTestIdentity()
  const config = await identity.admin('GET', '/users?name=admin')
  assert.ok(config)
  readerToken = await systemReaderToken(identity)
  // the test server's key repository sits beside its database
  keyDir = join(identity.databaseUrl.replace('sqlite:///', '').replace(/identity\.db$/, ''), 'keys')
})

after(async () => {
  await identity?.close()
})

type Report = {
  key_store: string
  token_keys: { readable: boolean; keys: { index: number; role: string; fingerprint: string }[] }
  receipt_keys: { shared_with_tokens: boolean }
  guard: Record<string, unknown>
  fleet: { nodes: unknown[]; live: number; lagging: string[] }
}

test('an admin reads the key set, the guard and the fleet, never a key', async () => {
  const res = await keys(
    await identity.token({ name: 'admin', password: 'test-admin-pw', id: '', project: 'admin' }),
  )
  assert.equal(res.status, 200)
  assert.equal(res.headers.get('cache-control'), 'no-store')
  const text = await res.text()
  const body = JSON.parse(text) as Report
  assert.equal(body.key_store, 'files')
  assert.deepEqual(
    body.token_keys.keys.map((key) => [key.index, key.role]),
    [
      [1, 'primary'],
      [0, 'staged'],
    ],
  )
  for (const key of body.token_keys.keys) assert.match(key.fingerprint, /^[0-9a-f]{16}$/)
  assert.equal(body.receipt_keys.shared_with_tokens, true)
  assert.equal(body.guard.expiration, 600)
  assert.equal(body.guard.allow_expired_window, 3600)
  assert.equal(body.guard.token_validity_seconds, 4200)
  assert.equal(body.guard.max_active_keys, 3)
  assert.ok('earliest_safe_rotation' in body.guard)
  assert.ok(Array.isArray(body.guard.reasons))
  assert.ok(Array.isArray(body.fleet.nodes))
  // no key material: none of the repository's key files' contents appears in the answer
  for (const file of readdirSync(keyDir)) {
    if (!/^\d+$/.test(file)) continue
    const key = readFileSync(join(keyDir, file), 'utf8').trim()
    assert.ok(key.length >= 32)
    assert.ok(!text.includes(key), `key ${file} leaked`)
    assert.ok(!text.includes(key.slice(0, 20)), `part of key ${file} leaked`)
  }
})

test('a reader on the system reads it too', async () => {
  const res = await keys(readerToken)
  assert.equal(res.status, 200)
  const body = (await res.json()) as Report
  assert.equal(body.token_keys.keys[0]?.role, 'primary')
})

test('a project member (reader by implication, not on the system) gets a 403 ForbiddenAction', async () => {
  const res = await keys(await identity.token(identity.users.alice))
  assert.equal(res.status, 403)
  assert.deepEqual(await res.json(), {
    error: {
      code: 403,
      title: 'Forbidden',
      message:
        'You are not authorized to perform the requested action: identity:baton_keys_status.',
    },
  })
})

test('another method is a 405 with Keystone body, as werkzeug answers', async () => {
  const res = await fetch(`${identity.url}/v3/OS-BATON/keys`, { method: 'DELETE' })
  assert.equal(res.status, 405)
  const body = (await res.json()) as { error: { code: number } }
  assert.equal(body.error.code, 405)
})

test('no token is a 401 with Keystone body', async () => {
  const res = await keys()
  assert.equal(res.status, 401)
  const body = (await res.json()) as { error: { code: number; title: string } }
  assert.equal(body.error.code, 401)
  assert.equal(body.error.title, 'Unauthorized')
})

test('/console/ serves the bundle with a strict CSP, nosniff and no referrer', async () => {
  const redirect = await fetch(`${identity.url}/console`, { redirect: 'manual' })
  assert.equal(redirect.status, 302)
  assert.equal(
    new URL(String(redirect.headers.get('location')), `${identity.url}/console`).pathname,
    '/console/',
  )
  const page = await fetch(`${identity.url}/console/`)
  assert.equal(page.status, 200)
  assert.match(String(page.headers.get('content-type')), /^text\/html/)
  const csp = String(page.headers.get('content-security-policy'))
  for (const part of [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
  ]) {
    assert.ok(csp.includes(part), part)
  }
  assert.ok(!csp.includes('unsafe-inline'))
  assert.equal(page.headers.get('x-content-type-options'), 'nosniff')
  assert.equal(page.headers.get('referrer-policy'), 'no-referrer')
  const html = await page.text()
  assert.ok(!/<script(?![^>]*\bsrc=)/.test(html), 'no inline script')
  assert.ok(!/<style|style=/.test(html), 'no inline style')
  const script = await fetch(`${identity.url}/console/console.js`)
  assert.equal(script.status, 200)
  assert.match(String(script.headers.get('content-type')), /^text\/javascript/)
  assert.equal((await fetch(`${identity.url}/console/secrets.txt`)).status, 404)
  assert.equal((await fetch(`${identity.url}/console/..%2Fpackage.json`)).status, 404)
})

test('without a built bundle /console/ answers a 503 page naming the build step', async () => {
  const app = Fastify()
  registerConsoleRoutes(app, '/nonexistent/console-dist/')
  const res = await app.inject({ method: 'GET', url: '/console/' })
  assert.equal(res.statusCode, 503)
  assert.match(res.body, /npm run build/)
  assert.equal(res.headers['content-security-policy'], CONSOLE_HEADERS['content-security-policy'])
  await app.close()
})
