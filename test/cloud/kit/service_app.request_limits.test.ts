/**
 * What every reference service shares (kit/service_app.ts): JSON bodies that are not UTF-8 or nest
 * past 256 levels are a 400 in the service's error shape (not stored as U+FFFD, never a 500), and
 * `[http_server]` deadlines give clients that trickle a body 408 and close their connections.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { type RunningService, startService } from '../../../packages/cloud/src/kit/run_service.ts'
import type { ServiceSpec } from '../../../packages/cloud/src/kit/service_app.ts'
import { slowBodyClient } from '../../interop/slow_clients.ts'

/** A service whose one public route answers with the body it parsed. */
const probe: ServiceSpec = {
  name: 'probe',
  defaultPort: 0,
  catalog: { type: 'probe', name: 'probe', description: 'Probe', path: '' },
  serviceUser: 'probe',
  groups: [],
  migrations: [],
  callsNextHop: false,
  isPublic: () => true,
  register(app) {
    app.post('/echo', async (request) => ({ received: request.body }))
  },
}

let service: RunningService

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'baton-probe-'))
  const conf = join(dir, 'probe.conf')
  writeFileSync(
    conf,
    [
      '[DEFAULT]',
      `data_dir = ${dir}`,
      '[keystone_authtoken]',
      'auth_type = password',
      'auth_url = http://127.0.0.1:9/v3',
      'www_authenticate_uri = http://127.0.0.1:9/v3',
      'username = probe',
      'password = probe',
      'user_domain_id = default',
      '[service_user]',
      'send_service_user_token = false',
      '[http_server]',
      'body_timeout = 1',
      'body_min_rate = 1000',
      '',
    ].join('\n'),
  )
  service = await startService(probe, { configFiles: [conf], port: 0, log: () => {} })
})
after(() => service?.close())

async function post(payload: string | Buffer) {
  const res = await fetch(`${service.url}/echo`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: payload,
  })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

test('JSON bodies that are not UTF-8 or nest too deep are 400s in the service shape', async () => {
  const cases: [string, string | Buffer][] = [
    [
      'FF FE in a string',
      Buffer.concat([Buffer.from('{"name": "a'), Buffer.from([0xff, 0xfe]), Buffer.from('b"}')]),
    ],
    ['5000 nested arrays', `{"a": ${'['.repeat(5000)}${']'.repeat(5000)}}`],
    ['10000 nested objects', `{"a": ${'{"a":'.repeat(10000)}1${'}'.repeat(10000)}}`],
  ]
  for (const [label, payload] of cases) {
    const res = await post(payload)
    assert.equal(res.status, 400, `${label}: ${JSON.stringify(res.body).slice(0, 200)}`)
    assert.deepEqual(Object.keys(res.body), ['badRequest'], label)
  }
  const ok = await post('{"name": "é"}')
  assert.deepEqual(ok.body, { received: { name: 'é' } })
})

test('a body trickled below the rate floor gets 408 and a closed connection', async () => {
  const clients = Array.from({ length: 10 }, () =>
    slowBodyClient(service.url, { path: '/echo', declared: 100_000, first: 1000, trickleMs: 300 }),
  )
  try {
    const results = await Promise.race([
      Promise.all(clients.map((c) => c.closed)),
      new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 15_000).unref()),
    ])
    assert.ok(results !== undefined, 'every slow connection was closed within 15 s')
    for (const { response } of results) assert.match(response, /^HTTP\/1\.1 408 /)
  } finally {
    for (const c of clients) c.destroy()
  }
})
