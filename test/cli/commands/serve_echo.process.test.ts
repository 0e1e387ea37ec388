/**
 * `baton serve echo`: a real process guarded by the middleware from a `[keystone_authtoken]` file,
 * answering with the identity headers it received; a broken config is one line and a non-zero exit.
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { startBatonEcho } from '../../interop/echo_process.ts'
import { slowBodyClient, slowHeaderClient } from '../../interop/slow_clients.ts'
import { HAPROXY_BIN, HAPROXY_MISSING, startForwardingProxy } from '../../support/haproxy.ts'
import { startTestIdentity, type TestIdentity, testClock } from '../../support/identity_server.ts'
import {
  SPAN_KIND_CLIENT,
  SPAN_KIND_SERVER,
  startOtlpReceiver,
} from '../../support/otlp_receiver.ts'

let identity: TestIdentity

before(async () => {
  // the echo process runs on the real clock: start the identity clock at real time
  identity = await startTestIdentity({ clock: testClock(Date.now()) })
})
after(async () => {
  await identity?.close()
})

function section(values: Record<string, string | number | boolean>): string[] {
  return ['[keystone_authtoken]', ...Object.entries(values).map(([k, v]) => `${k} = ${v}`)]
}

test('answers 200 with the identity headers for a valid token, 401 otherwise', async () => {
  const echo = await startBatonEcho(section(identity.authtokenOptions()))
  try {
    const user = await identity.token(identity.users.alice)
    const service = await identity.token(identity.users.svc)
    const res = await fetch(`${echo.url}/anything`, {
      headers: { 'X-Auth-Token': user, 'X-Service-Token': service },
    })
    assert.equal(res.status, 200)
    const { identity: seen } = (await res.json()) as { identity: Record<string, string> }
    assert.equal(seen['x-identity-status'], 'Confirmed')
    assert.equal(seen['x-user-id'], identity.users.alice.id)
    assert.equal(seen['x-service-user-id'], identity.users.svc.id)
    assert.equal(seen['x-service-roles'], 'service')
    assert.equal(
      Object.keys(seen).some((k) => k.endsWith('-token')),
      false,
    )

    const denied = await fetch(`${echo.url}/anything`)
    assert.equal(denied.status, 401)
    assert.equal(denied.headers.get('www-authenticate'), `Keystone uri="${identity.url}/v3"`)
    assert.doesNotMatch(echo.stderr(), /pw-authtoken/)
  } finally {
    await echo.stop()
  }
})

test('[http_server] deadlines close connections that trickle a body or headers', async () => {
  const echo = await startBatonEcho([
    ...section(identity.authtokenOptions()),
    '[http_server]',
    'header_timeout = 2',
    'body_timeout = 1',
    'body_min_rate = 1000',
  ])
  const clients = [
    ...Array.from({ length: 10 }, () =>
      slowBodyClient(echo.url, { path: '/x', declared: 100_000, first: 1000, trickleMs: 300 }),
    ),
    slowHeaderClient(echo.url, 300),
  ]
  try {
    const results = await Promise.race([
      Promise.all(clients.map((c) => c.closed)),
      new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 15_000).unref()),
    ])
    assert.ok(results !== undefined, 'every slow connection was closed within 15 s')
    // the echo answers (401) before reading a body; a slow header never gets that far: 408
    assert.match(results.at(-1)?.response ?? '', /^HTTP\/1\.1 408 /)
    assert.doesNotMatch(echo.stderr(), /unknown option/, '[http_server] is a known section')
  } finally {
    for (const c of clients) c.destroy()
    await echo.stop()
  }
})

test('a config that cannot work is one line on stderr and exit status 1', () => {
  const dir = mkdtempSync(join(tmpdir(), 'baton-echo-bad-'))
  const conf = join(dir, 'echo.conf')
  writeFileSync(
    conf,
    `${section({ www_authenticate_uri: 'http://k/v3', password: 'hunter2' }).join('\n')}\n`,
  )
  const bin = new URL('../../../packages/cli/bin/baton.mjs', import.meta.url).pathname
  const run = spawnSync(
    process.execPath,
    [bin, 'serve', 'echo', '--config-file', conf, '--port', '0'],
    {
      encoding: 'utf8',
      timeout: 20_000,
    },
  )
  assert.equal(run.status, 1)
  assert.match(run.stderr, /^baton: \[keystone_authtoken\] auth_type is not set/m)
  assert.doesNotMatch(run.stderr, /hunter2|\n\s+at /)
})

test('/healthcheck answers without a token; /metrics ([metrics] enabled) counts the guard’s decisions', async () => {
  const echo = await startBatonEcho([
    ...section(identity.authtokenOptions()),
    '[healthcheck]',
    'backends = disable_by_file',
    `disable_by_file_path = ${join(tmpdir(), 'baton-echo-no-such-file')}`,
    '[metrics]',
    'enabled = true',
  ])
  try {
    const health = await fetch(`${echo.url}/healthcheck`)
    assert.equal(health.status, 200)
    assert.equal(health.headers.get('content-type'), 'text/plain; charset=UTF-8')
    assert.equal(await health.text(), 'OK')
    assert.equal((await fetch(`${echo.url}/healthcheck`, { method: 'HEAD' })).status, 204)
    const user = await identity.token(identity.users.alice)
    await (await fetch(`${echo.url}/x`, { headers: { 'X-Auth-Token': user } })).arrayBuffer()
    await (await fetch(`${echo.url}/x`)).arrayBuffer()
    const metrics = await fetch(`${echo.url}/metrics`)
    assert.equal(metrics.status, 200)
    const text = await metrics.text()
    assert.match(text, /^baton_middleware_decisions_total\{outcome="confirmed"\} 1$/m)
    assert.match(text, /^baton_middleware_decisions_total\{outcome="rejected"\} 1$/m)
    assert.match(text, /^baton_middleware_identity_requests_total\{result="valid"\} 1$/m)
    assert.doesNotMatch(echo.stderr(), /unknown option/)
  } finally {
    await echo.stop()
  }
})

test('behind HAProxy with [oslo_middleware] enable_proxy_headers_parsing, /metrics judges the forwarded client', {
  skip: existsSync(HAPROXY_BIN) ? false : HAPROXY_MISSING,
}, async () => {
  const metricsOn = [...section(identity.authtokenOptions()), '[metrics]', 'enabled = true']
  const trusted = await startBatonEcho([
    ...metricsOn,
    '[oslo_middleware]',
    'enable_proxy_headers_parsing = true',
  ])
  const plain = await startBatonEcho(metricsOn)
  const proxy = await startForwardingProxy([
    { backendPort: Number(new URL(trusted.url).port), publicHost: 'echo.example.test' },
  ])
  try {
    // HAProxy's `option forwardfor` names the loopback client: allowed
    const through = await fetch(`${proxy?.urls[0]}/metrics`)
    assert.equal(through.status, 200)
    await through.arrayBuffer()
    const forged = { 'x-forwarded-for': '198.51.100.20' }
    const remote = await fetch(`${trusted.url}/metrics`, { headers: forged })
    assert.equal(remote.status, 403)
    await remote.arrayBuffer()
    // without the option the header means nothing: the loopback socket is judged
    const ignored = await fetch(`${plain.url}/metrics`, { headers: forged })
    assert.equal(ignored.status, 200)
    await ignored.arrayBuffer()
    assert.doesNotMatch(trusted.stderr(), /unknown option/, '[oslo_middleware] is a known section')
  } finally {
    await proxy?.stop()
    await trusted.stop()
    await plain.stop()
  }
})

test('with OTEL_EXPORTER_OTLP_ENDPOINT set, a server span per request joins the caller’s trace', async () => {
  const receiver = await startOtlpReceiver()
  const echo = await startBatonEcho(section(identity.authtokenOptions()), {
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_SERVICE_NAME: 'echo-under-test',
    OTEL_BSP_SCHEDULE_DELAY: '100',
  })
  try {
    const traceId = `${'a'.repeat(31)}1`
    const parent = `${'b'.repeat(15)}2`
    const user = await identity.token(identity.users.alice)
    const requestId = 'req-12345678-1234-1234-1234-123456789abc'
    const res = await fetch(`${echo.url}/anything?x=1`, {
      headers: {
        'X-Auth-Token': user,
        traceparent: `00-${traceId}-${parent}-01`,
        'X-OpenStack-Request-ID': requestId,
      },
    })
    assert.equal(res.status, 200)
    await res.arrayBuffer()
    const deadline = Date.now() + 20_000
    const server = () =>
      receiver.spans.find((s) => s.traceId === traceId && s.kind === SPAN_KIND_SERVER)
    while (server() === undefined) {
      assert.ok(Date.now() < deadline, 'the span arrives')
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    const span = server()
    assert.equal(span?.service, 'echo-under-test', 'OTEL_SERVICE_NAME wins over baton-echo')
    assert.equal(span?.parentSpanId, parent)
    assert.equal(span?.name, 'GET')
    assert.equal(span?.attributes['url.path'], '/anything', 'no query string')
    assert.equal(span?.attributes['http.response.status_code'], 200)
    assert.equal(span?.attributes['openstack.request_id'], requestId)
    // the middleware's calls to identity (its own login, then validating the token) are children
    await new Promise((resolve) => setTimeout(resolve, 300))
    const calls = receiver.spans.filter(
      (s) =>
        s.traceId === traceId && s.kind === SPAN_KIND_CLIENT && s.parentSpanId === span?.spanId,
    )
    const validation = calls.find(
      (s) =>
        /\/v3\/auth\/tokens$/.test(String(s.attributes['url.full'])) &&
        s.attributes['http.request.method'] === 'GET',
    )
    assert.ok(validation !== undefined, `GET /v3/auth/tokens among ${calls.map((c) => c.name)}`)
    assert.equal(validation?.attributes['http.response.status_code'], 200)
    assert.equal(validation?.attributes['openstack.request_id'], requestId, 'from the server span')
    for (const s of receiver.spans) {
      for (const value of Object.values(s.attributes)) {
        assert.equal(String(value).includes(user), false, 'no token in an attribute')
      }
    }
  } finally {
    await echo.stop()
    await receiver.close()
  }
})
