/**
 * OpenTelemetry tracing for real: `baton up` (five `baton serve` processes) with the standard
 * OTEL_* variables pointing at a loopback OTLP/HTTP receiver. One user request (boot a server from
 * an image onto a volume: compute -> volume -> image -> object, the hops made by background jobs)
 * is one trace: the receiver gets spans from every service under the trace id the client sent in
 * `traceparent`, each hop's server span is the child of the previous service's client span, every
 * span carries `openstack.request_id` (the services' all the id compute answered), and no attribute
 * holds a token or a password.
 * @module
 */
import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import {
  type OtlpReceiver,
  type ReceivedSpan,
  SPAN_KIND_CLIENT,
  SPAN_KIND_SERVER,
  startOtlpReceiver,
} from '../../support/otlp_receiver.ts'

const BATON_BIN = new URL('../../../packages/cli/bin/baton.mjs', import.meta.url).pathname

type Json = Record<string, unknown>

let receiver: OtlpReceiver
let up: ChildProcess
let stdout = ''
let stderr = ''
const dir = mkdtempSync(join(tmpdir(), 'baton-up-tracing-'))

function otelEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('OTEL_')) env[k] = v
  return {
    ...env,
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=test',
    // export every 100 ms instead of every 5 s: the test waits for the spans
    OTEL_BSP_SCHEDULE_DELAY: '100',
  }
}

before(async () => {
  receiver = await startOtlpReceiver()
  up = spawn(process.execPath, [BATON_BIN, 'up', '--data-dir', join(dir, 'cloud'), '--any-ports'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: otelEnv(),
  })
  up.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
  })
  up.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const deadline = Date.now() + 150_000
  while (!stdout.includes('Ctrl-C stops everything.')) {
    assert.ok(Date.now() < deadline && up.exitCode === null, `baton up did not come up: ${stderr}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
})

after(async () => {
  if (up !== undefined && up.exitCode === null) {
    const exited = new Promise((resolve) => up.once('exit', resolve))
    up.kill('SIGINT')
    await exited
  }
  await receiver?.close()
  rmSync(dir, { recursive: true, force: true })
})

function serviceUrl(name: string): string {
  const m = new RegExp(`^ {2}${name} +(http://\\S+)`, 'm').exec(stdout)
  assert.ok(m?.[1] !== undefined, `${name} URL printed`)
  return m[1].replace(/\/+$/, '').replace(/\/v[0-9.]+.*$/, '')
}

async function call(
  url: string,
  token: string,
  init: { method?: string; json?: unknown; body?: Buffer; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; body: Json }> {
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: {
      'X-Auth-Token': token,
      ...(init.json === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...(init.body === undefined ? {} : { 'Content-Type': 'application/octet-stream' }),
      ...init.headers,
    },
    ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
    ...(init.body === undefined ? {} : { body: init.body }),
  })
  const text = await res.text()
  return { status: res.status, headers: res.headers, body: text === '' ? {} : JSON.parse(text) }
}

/** The server span's chain of ancestors, nearest first (stops where a parent was not received). */
function ancestors(span: ReceivedSpan, byId: Map<string, ReceivedSpan>): ReceivedSpan[] {
  const chain: ReceivedSpan[] = []
  let parent = byId.get(span.parentSpanId)
  while (parent !== undefined) {
    chain.push(parent)
    parent = byId.get(parent.parentSpanId)
  }
  return chain
}

test('one boot request across compute -> volume -> image -> object is one trace', {
  timeout: 240_000,
}, async (t) => {
  const authUrl = /export OS_AUTH_URL=(\S+)/.exec(stdout)?.[1] ?? ''
  const password = /export OS_PASSWORD=(\S+)/.exec(stdout)?.[1] ?? ''
  const login = await fetch(`${authUrl}/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: 'admin', domain: { name: 'Default' }, password } },
        },
        scope: { project: { name: 'admin', domain: { name: 'Default' } } },
      },
    }),
  })
  assert.equal(login.status, 201)
  const token = login.headers.get('x-subject-token') ?? ''
  await login.arrayBuffer()
  const image = serviceUrl('image')
  const created = await call(`${image}/v2/images`, token, {
    method: 'POST',
    json: { name: 'traced', disk_format: 'raw', container_format: 'bare' },
  })
  assert.equal(created.status, 201)
  const imageId = String(created.body.id)
  const put = await call(`${image}/v2/images/${imageId}/file`, token, {
    method: 'PUT',
    body: randomBytes(64 * 1024),
  })
  assert.equal(put.status, 204)

  // the user's own trace: the boot request carries a W3C traceparent
  const traceId = randomBytes(16).toString('hex')
  const clientSpanId = randomBytes(8).toString('hex')
  const compute = serviceUrl('compute')
  const boot = await call(`${compute}/v2.1/servers`, token, {
    method: 'POST',
    headers: { traceparent: `00-${traceId}-${clientSpanId}-01` },
    json: {
      server: {
        name: 'traced',
        flavorRef: '1',
        imageRef: '',
        block_device_mapping_v2: [
          {
            source_type: 'image',
            destination_type: 'volume',
            uuid: imageId,
            volume_size: 1,
            boot_index: 0,
          },
        ],
      },
    },
  })
  assert.equal(boot.status, 202, JSON.stringify(boot.body))
  const requestId = boot.headers.get('x-openstack-request-id') ?? ''
  assert.match(requestId, /^req-/)
  const serverId = String((boot.body.server as Json).id)
  const deadline = Date.now() + 120_000
  let status = ''
  while (status !== 'ACTIVE' && status !== 'ERROR') {
    assert.ok(Date.now() < deadline, 'the server settles')
    await new Promise((resolve) => setTimeout(resolve, 250))
    status = String(
      ((await call(`${compute}/v2.1/servers/${serverId}`, token)).body.server as Json).status,
    )
  }
  assert.equal(status, 'ACTIVE')

  // the object service's server span for the image data arrives last: wait for it
  const inTrace = () => receiver.spans.filter((s) => s.traceId === traceId)
  const objectRead = () =>
    inTrace().find(
      (s) =>
        s.service === 'baton-object' &&
        s.kind === SPAN_KIND_SERVER &&
        s.attributes['http.request.method'] === 'GET',
    )
  while (objectRead() === undefined) {
    assert.ok(
      Date.now() < deadline,
      `object's span arrives; got ${JSON.stringify(inTrace().map((s) => `${s.service} ${s.name}`))}`,
    )
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  await new Promise((resolve) => setTimeout(resolve, 500)) // the spans still in the batch

  const spans = inTrace()
  const byId = new Map(spans.map((s) => [s.spanId, s]))
  // compute's server span continues the client's trace, under the client's span
  const root = spans.find(
    (s) =>
      s.service === 'baton-compute' &&
      s.kind === SPAN_KIND_SERVER &&
      s.name === 'POST /v2.1/servers',
  )
  assert.ok(root !== undefined, 'compute server span')
  assert.equal(root.parentSpanId, clientSpanId)
  assert.equal(root.attributes['http.route'], '/v2.1/servers')
  assert.equal(root.attributes['http.response.status_code'], 202)
  assert.equal(root.attributes['openstack.request_id'], requestId)
  assert.equal(root.resource['deployment.environment.name'], 'test', 'OTEL_RESOURCE_ATTRIBUTES')

  // object <- image <- volume <- compute: each hop's server span under the caller's client span
  const read = objectRead()
  assert.ok(read !== undefined)
  const chain = [read, ...ancestors(read, byId)]
  t.diagnostic(`${spans.length} spans in the trace; the object read's ancestry:`)
  for (const s of chain)
    t.diagnostic(
      `  ${s.service} ${s.kind === SPAN_KIND_SERVER ? 'server' : 'client'} ${s.name} ${String(s.attributes['url.full'] ?? s.attributes['url.path'])}`,
    )
  const servers = chain.filter((s) => s.kind === SPAN_KIND_SERVER).map((s) => s.service)
  assert.deepEqual(servers, ['baton-object', 'baton-image', 'baton-volume', 'baton-compute'])
  assert.equal(chain.at(-1), root, 'the chain ends at compute’s server span')
  for (const [i, span] of chain.entries()) {
    const parent = chain[i + 1]
    if (span.kind === SPAN_KIND_SERVER && parent !== undefined) {
      assert.equal(parent.kind, SPAN_KIND_CLIENT, `${span.service}'s caller is a client span`)
      assert.notEqual(parent.service, span.service)
    }
  }
  assert.deepEqual(
    [...new Set(spans.map((s) => s.service))].sort(),
    ['baton-compute', 'baton-identity', 'baton-image', 'baton-object', 'baton-volume'],
    'every server took part (identity: the service users’ logins and token validations)',
  )

  // the request id: on every span; the services' spans all carry the one compute answered
  for (const span of spans) {
    const id = span.attributes['openstack.request_id']
    assert.match(String(id), /^req-/, `${span.service} ${span.name} has a request id`)
    if (span.service !== 'baton-identity')
      assert.equal(id, requestId, `${span.service} ${span.name}`)
  }

  // no secret anywhere: not the user's token, no Fernet token, no password of the cloud
  const secrets = JSON.parse(readFileSync(join(dir, 'cloud', 'secrets.json'), 'utf8')) as {
    users: Record<string, string>
  }
  const forbidden = [token, password, ...Object.values(secrets.users)]
  for (const span of receiver.spans) {
    for (const value of [...Object.values(span.attributes), ...Object.values(span.resource)]) {
      const text = String(value)
      assert.doesNotMatch(text, /gAAAAA/, `${span.service} ${span.name}: no Fernet token`)
      for (const secret of forbidden) assert.equal(text.includes(secret), false, `${span.name}`)
    }
    assert.equal(
      Object.keys(span.attributes).some((k) => /token|password|header/i.test(k)),
      false,
      `${span.name}: no token or header attribute`,
    )
  }
  assert.deepEqual(receiver.refused, [], 'every export was OTLP JSON at /v1/traces')
})
