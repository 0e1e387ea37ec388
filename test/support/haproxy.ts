/**
 * A real HAProxy (Debian's /usr/sbin/haproxy) in front of a fleet of identity nodes, on loopback:
 * HTTP health checks on each node, `retries` + `option redispatch` + `retry-on` so a request that
 * reached a node killed mid-flight is sent again to another node, and a stats page (CSV) so a test
 * can count what went to the nodes and how often HAProxy had to retry. `null` when not installed.
 * Also a plain forwarding proxy (`startForwardingProxy`) for the proxy-header tests.
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { freePort } from './servers.ts'

export const HAPROXY_BIN = '/usr/sbin/haproxy'
export const HAPROXY_MISSING = 'haproxy not installed: apt-get install haproxy'

export type HaproxyBackend = { readonly name: string; readonly port: number }

export type HaproxyOptions = {
  readonly backends: readonly HaproxyBackend[]
  /** Health check request line (default `GET /v3`). */
  readonly check?: string
  /** ms between health checks (default 500). */
  readonly checkInterval?: number
}

/** One row of HAProxy's stats CSV: a frontend, a backend or one server. */
export type HaproxyStat = {
  readonly proxy: string
  readonly server: string
  /** Requests (HTTP) seen. */
  readonly requests: number
  readonly responses5xx: number
  /** Connection/request retries and redispatches to another server. */
  readonly retries: number
  readonly redispatches: number
  /** UP, DOWN, ... (servers), OPEN (frontends). */
  readonly status: string
}

export type Haproxy = {
  readonly url: string
  readonly port: number
  stats(): Promise<HaproxyStat[]>
  /** The backend row `nodes`, the sum over its servers. */
  backendStats(): Promise<HaproxyStat>
  stop(): Promise<void>
}

export function haproxyConfig(port: number, statsPort: number, o: HaproxyOptions): string {
  const inter = o.checkInterval ?? 500
  return [
    'global',
    '  maxconn 4096',
    '  nbthread 1',
    'defaults',
    '  mode http',
    '  timeout connect 1s',
    '  timeout client 60s',
    '  timeout server 60s',
    '  timeout check 2s',
    // a request whose node died before answering (connection refused, reset, empty response) is
    // sent again, to another node (redispatch) on every retry; token requests are buffered whole
    '  retries 3',
    '  option redispatch 1',
    '  retry-on conn-failure empty-response junk-response',
    '  option http-buffer-request',
    'frontend fleet',
    `  bind 127.0.0.1:${port}`,
    '  default_backend nodes',
    'backend nodes',
    '  balance roundrobin',
    `  option httpchk ${o.check ?? 'GET /v3'}`,
    '  http-check expect status 200',
    ...o.backends.map(
      (b) => `  server ${b.name} 127.0.0.1:${b.port} check inter ${inter} fall 1 rise 1`,
    ),
    'listen stats',
    `  bind 127.0.0.1:${statsPort}`,
    '  stats enable',
    '  stats uri /stats',
    '',
  ].join('\n')
}

function parseStats(csv: string): HaproxyStat[] {
  const lines = csv.trim().split('\n')
  const header = (lines[0] ?? '').replace(/^# /, '').split(',')
  const col = (row: string[], name: string) => row[header.indexOf(name)] ?? ''
  const num = (row: string[], name: string) => Number(col(row, name)) || 0
  return lines.slice(1).map((line) => {
    const row = line.split(',')
    return {
      proxy: col(row, 'pxname'),
      server: col(row, 'svname'),
      requests: num(row, 'req_tot') || num(row, 'stot'),
      responses5xx: num(row, 'hrsp_5xx'),
      retries: num(row, 'wretr'),
      redispatches: num(row, 'wredis'),
      status: col(row, 'status'),
    }
  })
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url)
    await res.arrayBuffer()
    return res.status === 200
  } catch {
    return false
  }
}

export async function startHaproxy(o: HaproxyOptions): Promise<Haproxy | null> {
  if (!existsSync(HAPROXY_BIN)) return null
  const dir = mkdtempSync(join(tmpdir(), 'baton-haproxy-'))
  const port = await freePort()
  const statsPort = await freePort()
  const cfg = join(dir, 'haproxy.cfg')
  writeFileSync(cfg, haproxyConfig(port, statsPort, o))
  // -db: foreground, no daemon; stderr kept for start-up failures
  const child: ChildProcess = spawn(HAPROXY_BIN, ['-db', '-f', cfg], {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  process.once('exit', () => child.kill('SIGKILL'))
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000)
  })
  const statsUrl = `http://127.0.0.1:${statsPort}/stats;csv`
  for (let waited = 0; ; waited += 50) {
    if (child.exitCode !== null) throw new Error(`haproxy exited ${child.exitCode}: ${stderr}`)
    if (await answers(statsUrl)) break
    if (waited > 10_000) {
      child.kill('SIGKILL')
      throw new Error(`haproxy did not start: ${stderr}`)
    }
    await sleep(50)
  }
  const stats = async () => {
    const res = await fetch(statsUrl)
    return parseStats(await res.text())
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stats,
    backendStats: async () => {
      const row = (await stats()).find((s) => s.proxy === 'nodes' && s.server === 'BACKEND')
      if (row === undefined) throw new Error('haproxy stats: no backend row')
      return row
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve))
        child.kill('SIGTERM')
        await exited
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** One public front of a forwarding proxy: what it tells the backend about the client's request. */
export type ProxyFront = {
  readonly backendPort: number
  /** `X-Forwarded-Host` set on every request (the public name). */
  readonly publicHost: string
  /** `X-Forwarded-Proto` (TLS terminated "elsewhere"); default https. */
  readonly proto?: string
  /** A public path prefix: stripped before the backend, announced as `X-Forwarded-Prefix`. */
  readonly prefix?: string
}

export type ForwardingProxy = {
  /** The loopback URL of each front, in the order given. */
  readonly urls: readonly string[]
  stop(): Promise<void>
}

/** The HAProxy config of `startForwardingProxy`: one frontend + backend per front. */
export function forwardingConfig(ports: readonly number[], fronts: readonly ProxyFront[]): string {
  const lines = [
    'defaults',
    '  mode http',
    '  timeout connect 5s',
    '  timeout client 30s',
    '  timeout server 30s',
  ]
  fronts.forEach((front, i) => {
    lines.push(
      `frontend public${i}`,
      `  bind 127.0.0.1:${ports[i]}`,
      // the client's address in X-Forwarded-For
      '  option forwardfor',
      `  http-request set-header X-Forwarded-Proto ${front.proto ?? 'https'}`,
      `  http-request set-header X-Forwarded-Host ${front.publicHost}`,
      ...(front.prefix === undefined
        ? []
        : [
            `  http-request set-header X-Forwarded-Prefix ${front.prefix}`,
            `  http-request replace-path ^${front.prefix}(/.*)?$ \\1`,
          ]),
      `  default_backend app${i}`,
      `backend app${i}`,
      `  server app${i} 127.0.0.1:${front.backendPort}`,
    )
  })
  return [...lines, ''].join('\n')
}

/**
 * A real HAProxy in front of one or more servers, setting the headers a TLS-terminating reverse
 * proxy sets (X-Forwarded-For/-Proto/-Host, optionally -Prefix); `null` when not installed.
 */
export async function startForwardingProxy(
  fronts: readonly ProxyFront[],
): Promise<ForwardingProxy | null> {
  if (!existsSync(HAPROXY_BIN)) return null
  const dir = mkdtempSync(join(tmpdir(), 'baton-haproxy-'))
  const ports: number[] = []
  for (const _ of fronts) ports.push(await freePort())
  const cfg = join(dir, 'haproxy.cfg')
  writeFileSync(cfg, forwardingConfig(ports, fronts))
  const child: ChildProcess = spawn(HAPROXY_BIN, ['-db', '-f', cfg], {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  process.once('exit', () => child.kill('SIGKILL'))
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000)
  })
  for (let waited = 0; !(await accepts(ports.at(-1) ?? 0)); waited += 50) {
    if (child.exitCode !== null) throw new Error(`haproxy exited ${child.exitCode}: ${stderr}`)
    if (waited > 10_000) {
      child.kill('SIGKILL')
      throw new Error(`haproxy did not start: ${stderr}`)
    }
    await sleep(50)
  }
  return {
    urls: ports.map((p) => `http://127.0.0.1:${p}`),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve))
        child.kill('SIGTERM')
        await exited
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

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
