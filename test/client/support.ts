/**
 * Real servers for the client tests: a Baton identity server in-process on loopback (keys, SQLite,
 * bootstrap, a small world made through the v3 API) with an injected clock, a counting proxy in
 * front of it, and tiny node:http servers that record what they receive. Built from the identity
 * and fernet packages directly so these tests do not depend on the CLI.
 * @module
 */
import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  startTestIdentity,
  type TestClock,
  type TestIdentity,
  testClock,
} from '../support/identity_server.ts'
import { passwordLogin } from '../support/login.ts'

export {
  ADMIN_PASSWORD,
  EXPIRATION,
  type TestClock,
  type TestIdentity as Identity,
  testClock,
  type WorldUser,
} from '../support/identity_server.ts'

/** The shared test identity server (test/support/identity_server.ts) on this clock. */
export function startIdentity(clock: TestClock = testClock()): Promise<TestIdentity> {
  return startTestIdentity({ clock })
}

/** A project-scoped token straight from the API (no client code involved). */
export async function passwordToken(
  url: string,
  name: string,
  password: string,
  project: string,
): Promise<string> {
  return (await passwordLogin(url, name, password, project)).token
}

export { freePort } from '../support/servers.ts'

export type Received = {
  readonly method: string
  readonly url: string
  readonly headers: IncomingMessage['headers']
  readonly body: string
}

export type Loopback = {
  readonly url: string
  readonly received: Received[]
  close(): Promise<void>
}

type Reply = (req: Received, res: ServerResponse) => void

/** A node:http server on loopback that records every request and answers with `reply`. */
export async function startLoopback(reply: Reply): Promise<Loopback> {
  const received: Received[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const r = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      }
      received.push(r)
      reply(r, res)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' })
  res.end(JSON.stringify(body))
}

/**
 * A forwarding proxy in front of `target` that records each request (to count authentications);
 * `failAuth` answers that many of the first POST /v3/auth/tokens with 503 instead of forwarding.
 */
export async function startProxy(target: string, o: { failAuth?: number } = {}): Promise<Loopback> {
  const to = new URL(target)
  let failuresLeft = o.failAuth ?? 0
  return startLoopback((r, res) => {
    if (failuresLeft > 0 && r.method === 'POST' && r.url === '/v3/auth/tokens') {
      failuresLeft -= 1
      json(res, 503, { error: { code: 503, title: 'Service Unavailable', message: 'try later' } })
      return
    }
    const headers = { ...r.headers }
    const upstream = request(
      { host: to.hostname, port: to.port, method: r.method, path: r.url, headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      },
    )
    upstream.on('error', () => json(res, 502, { error: 'proxy' }))
    upstream.end(r.body)
  })
}

/** How many recorded requests match the method and path (query ignored). */
export function count(received: readonly Received[], method: string, path: string): number {
  return received.filter((r) => r.method === method && r.url.split('?')[0] === path).length
}
