/**
 * `[http_server]` deadlines on a real `baton serve identity`: clients that trickle a body below
 * the rate floor, or their headers, get Keystone's 408 and their connections closed (with them
 * the buffered bodies), while others are still served. Before, such connections stayed open for
 * ever. Also: a 16 KB token header is Keystone's 431, never a 5xx.
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { ADMIN_PASSWORD, type IdentityProcess, startIdentity } from './identity_process.ts'
import { type SlowClient, slowBodyClient, slowHeaderClient } from './slow_clients.ts'

let identity: IdentityProcess
const clients: SlowClient[] = []

before(async () => {
  identity = await startIdentity([
    '[http_server]',
    'header_timeout = 2',
    'body_timeout = 1',
    'body_min_rate = 1000',
    'request_timeout = 60',
  ])
})
after(async () => {
  for (const c of clients) c.destroy()
  await identity?.stop()
})

function assertKeystone408(response: string): void {
  assert.match(response, /^HTTP\/1\.1 408 Request Timeout\r\n/)
  const body = JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4)) as {
    error: { code: number; title: string }
  }
  assert.equal(body.error.code, 408)
  assert.equal(body.error.title, 'Request Timeout')
}

test('slow bodies get 408 and their connections closed, by the rate floor', async () => {
  // 1000 bytes buy 1 s on top of body_timeout = 1 s; then 3 bytes/s is far below the floor
  for (let i = 0; i < 30; i++) {
    clients.push(
      slowBodyClient(identity.url, {
        path: '/v3/auth/tokens',
        declared: 110_000,
        first: 1000,
        trickleMs: 300,
      }),
    )
  }
  const results = await Promise.race([
    Promise.all(clients.map((c) => c.closed)),
    new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 20_000).unref()),
  ])
  assert.ok(results !== undefined, 'every slow connection was closed within 20 s')
  for (const { response, afterMs } of results) {
    assertKeystone408(response)
    assert.ok(afterMs >= 1500, `not before the deadline (${afterMs} ms)`)
  }
  const res = await fetch(`${identity.url}/v3`)
  assert.equal(res.status, 200, 'others are still served')
})

test('slow headers get 408 within header_timeout', async () => {
  const client = slowHeaderClient(identity.url, 300)
  clients.push(client)
  const result = await Promise.race([
    client.closed,
    new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 15_000).unref()),
  ])
  assert.ok(result !== undefined, 'the connection was closed')
  assertKeystone408(result.response)
})

test("huge token headers get a Keystone-shaped 4xx: 401/404 up to node's 16 KB limit, 431 past it", async () => {
  const admin = await fetch(`${identity.url}/v3/auth/tokens?nocatalog`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: {
            user: { name: 'admin', domain: { id: 'default' }, password: ADMIN_PASSWORD },
          },
        },
      },
    }),
  })
  const token = admin.headers.get('x-subject-token') ?? ''
  const cases: [string, Record<string, string>, number, string][] = [
    ['16 KB X-Auth-Token', { 'X-Auth-Token': 'g'.repeat(16_000) }, 401, 'Unauthorized'],
    [
      '16 KB X-Subject-Token',
      { 'X-Auth-Token': token, 'X-Subject-Token': 'g'.repeat(16_000) },
      404,
      'Not Found',
    ],
    [
      '17 KB X-Auth-Token',
      { 'X-Auth-Token': 'g'.repeat(17_000) },
      431,
      'Request Header Fields Too Large',
    ],
    [
      '17 KB X-Subject-Token',
      { 'X-Auth-Token': token, 'X-Subject-Token': 'g'.repeat(17_000) },
      431,
      'Request Header Fields Too Large',
    ],
  ]
  for (const [label, headers, status, title] of cases) {
    const res = await fetch(`${identity.url}/v3/auth/tokens`, { headers })
    assert.equal(res.status, status, label)
    const body = (await res.json()) as { error: { code: number; title: string } }
    assert.deepEqual([body.error.code, body.error.title], [status, title], label)
  }
})
