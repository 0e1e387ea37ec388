/**
 * `baton --help` and the light verbs start fast because each verb's module imports what it runs
 * inside its action. These tests run the real command and record every module it resolves, so a
 * new top-level import of a server package (fastify, the databases, the middleware's caches) in a
 * command module shows up here, not as a slow start-up noticed months later.
 * @module
 */
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { serviceSpecs } from '../../packages/cli/src/commands/serve_cloud.ts'
import { DEFAULT_PORTS, SERVICES } from '../../packages/cli/src/local_cloud/plan.ts'

const BIN = new URL('../../packages/cli/bin/baton.mjs', import.meta.url).pathname
const RECORDER = new URL('fixtures/record_loads.mjs', import.meta.url).pathname
/** Packages only a server or a cache needs (OpenTelemetry: only a server the OTEL_* env traces). */
const HEAVY =
  /\/node_modules\/(fastify|kysely|better-sqlite3|pg|ioredis|memjs|@fastify\/[^/]+|@opentelemetry\/[^/]+)\//
const OTEL = /\/node_modules\/@opentelemetry\//

function loadedBy(args: readonly string[]): { status: number | null; urls: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'baton-loads-'))
  const file = join(dir, 'loads.txt')
  const run = spawnSync(process.execPath, ['--import', RECORDER, BIN, ...args], {
    env: { ...process.env, BATON_RECORD_LOADS: file },
    encoding: 'utf8',
    timeout: 60_000,
  })
  assert.equal(run.status, 0, run.stderr)
  return { status: run.status, urls: readFileSync(file, 'utf8').trim().split('\n') }
}

test("baton --help loads commander, the command modules and the services' plain facts, no other @baton module", () => {
  const { urls } = loadedBy(['--help'])
  assert.ok(
    urls.some((u) => u.includes('/packages/cli/src/commands/serve.ts')),
    'recorder works',
  )
  assert.deepEqual(
    urls.filter((u) => HEAVY.test(u)),
    [],
  )
  // the serve verbs name each service and its default port: @baton/cloud/services, which imports nothing
  const baton = urls.filter((u) =>
    /\/packages\/(config|fernet|identity|middleware|client|cloud)\//.test(u),
  )
  assert.deepEqual(
    [...new Set(baton.map((u) => u.replace(/^.*\/packages\//, 'packages/')))],
    ['packages/cloud/src/services.ts'],
  )
})

test('baton token decode loads the token formatter without the identity server', () => {
  const fixtures = new URL('../identity/fixtures/', import.meta.url).pathname
  const keys = join(mkdtempSync(join(tmpdir(), 'baton-loads-keys-')), 'keys')
  mkdirSync(keys, { mode: 0o700 })
  for (const n of ['0', '1', '2']) copyFileSync(join(fixtures, 'keystone-keys', n), join(keys, n))
  const { cases } = JSON.parse(readFileSync(join(fixtures, 'keystone_tokens.json'), 'utf8')) as {
    cases: { token: string; keystone: { ok?: unknown } }[]
  }
  const token = cases.find((c) => c.keystone.ok !== undefined)?.token ?? ''
  const { urls } = loadedBy(['token', 'decode', '--key-repository', keys, token])
  assert.ok(
    urls.some((u) => u.endsWith('/packages/identity/src/tokens.ts')),
    'the light entry',
  )
  assert.deepEqual(
    urls.filter((u) => HEAVY.test(u) || /\/packages\/identity\/src\/(server|api|store)\//.test(u)),
    [],
  )
})

test('the serve verbs print the default ports of the service specs they load lazily', async () => {
  const specs = await serviceSpecs()
  for (const name of SERVICES) assert.equal(DEFAULT_PORTS[name], specs[name]?.defaultPort, name)
})

/** The env without any OTEL_* variable the test runner may have, plus `otel`. */
function envWith(otel: Record<string, string>, file: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { BATON_RECORD_LOADS: file, ...otel }
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('OTEL_')) env[k] ??= v
  return env
}

/** `baton serve echo` answering one request, then stopped: every module it resolved. */
async function echoLoads(otel: Record<string, string>): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'baton-loads-echo-'))
  const file = join(dir, 'loads.txt')
  const conf = join(dir, 'echo.conf')
  // nothing is asked of identity: /healthcheck answers before the guard
  writeFileSync(
    conf,
    [
      '[keystone_authtoken]',
      'www_authenticate_uri = http://127.0.0.1:9/v3',
      'auth_type = password',
      'auth_url = http://127.0.0.1:9/v3',
      'username = echo',
      'password = pw-echo',
      'user_domain_id = default',
      'project_name = service',
      'project_domain_id = default',
      '',
    ].join('\n'),
    { mode: 0o600 },
  )
  const child = spawn(
    process.execPath,
    ['--import', RECORDER, BIN, 'serve', 'echo', '--config-file', conf, '--port', '0'],
    { env: envWith(otel, file), stdio: ['ignore', 'ignore', 'pipe'] },
  )
  let err = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString()
  })
  const exited = new Promise((resolve) => child.once('exit', resolve))
  try {
    const deadline = Date.now() + 30_000
    let url: string | undefined
    while (url === undefined) {
      assert.ok(Date.now() < deadline && child.exitCode === null, `echo did not start: ${err}`)
      url = /echo listening on (http:\/\/\S+)/.exec(err)?.[1]
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    const res = await fetch(`${url}/healthcheck`)
    assert.equal(res.status, 200)
    await res.arrayBuffer()
  } finally {
    child.kill('SIGTERM')
    await exited
  }
  return readFileSync(file, 'utf8').trim().split('\n')
}

test('a server without OTEL_* loads no OpenTelemetry module; with OTEL_TRACES_EXPORTER it does', async () => {
  const plain = await echoLoads({})
  assert.ok(
    plain.some((u) => u.endsWith('/packages/config/src/tracing.ts')),
    'the OTel-free front is loaded',
  )
  assert.deepEqual(
    plain.filter((u) => OTEL.test(u) || u.endsWith('/tracing_otel.ts')),
    [],
  )
  // the recorder sees them when they load: the same server asked to trace (to stdout)
  const traced = await echoLoads({ OTEL_TRACES_EXPORTER: 'console' })
  assert.ok(
    traced.some((u) => /\/node_modules\/@opentelemetry\/sdk-trace-node\//.test(u)),
    'the SDK loads when asked for',
  )
})
