/**
 * The identity server behind a real HAProxy on loopback (TLS terminated "elsewhere": HAProxy sets
 * X-Forwarded-Proto https and the public X-Forwarded-Host, `option forwardfor` adds the client):
 * with `[oslo_middleware] enable_proxy_headers_parsing = true` version discovery and links.self
 * carry the public URL through the proxy, and the direct URL when called directly. Skips when
 * /usr/sbin/haproxy is not installed (apt install haproxy).
 * @module
 */
import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import {
  ADMIN_PASSWORD,
  startTestIdentity,
  type TestIdentity,
} from '../../support/identity_server.ts'
import { passwordLogin } from '../../support/login.ts'
import { freePort } from '../../support/servers.ts'

const HAPROXY = '/usr/sbin/haproxy'
const skip = existsSync(HAPROXY) ? false : `${HAPROXY} is not installed (apt install haproxy)`
const PUBLIC_HOST = 'identity.example.test'

let identity: TestIdentity
let proxy: ChildProcess | undefined
let proxyUrl = ''
const dir = mkdtempSync(join(tmpdir(), 'baton-haproxy-'))

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

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
  const port = await freePort()
  const backend = new URL(identity.url)
  const config = join(dir, 'haproxy.cfg')
  writeFileSync(
    config,
    [
      'defaults',
      '  mode http',
      '  timeout connect 5s',
      '  timeout client 30s',
      '  timeout server 30s',
      'frontend public',
      `  bind 127.0.0.1:${port}`,
      '  option forwardfor',
      '  http-request set-header X-Forwarded-Proto https',
      `  http-request set-header X-Forwarded-Host ${PUBLIC_HOST}`,
      '  default_backend identity',
      'backend identity',
      `  server identity1 ${backend.hostname}:${backend.port}`,
      '',
    ].join('\n'),
  )
  proxy = spawn(HAPROXY, ['-db', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  proxy.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  for (let i = 0; i < 100 && !(await accepts(port)); i++) {
    if (proxy.exitCode !== null) throw new Error(`haproxy exited: ${stderr}`)
    await sleep(50)
  }
  proxyUrl = `http://127.0.0.1:${port}`
})

after(async () => {
  if (proxy !== undefined && proxy.exitCode === null) {
    const exited = new Promise((resolve) => proxy?.once('exit', resolve))
    proxy.kill('SIGTERM')
    await exited
  }
  await identity?.close()
  rmSync(dir, { recursive: true, force: true })
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
