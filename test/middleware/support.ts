/**
 * A service guarded by the middleware for tests: a real node:http server on loopback whose handler
 * echoes the identity headers it received (what `baton serve echo` answers), plus a `call` helper.
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  type AuthToken,
  type CreateAuthTokenOptions,
  createAuthToken,
  guardHandler,
  identityOf,
  type RequestIdentity,
} from '../../packages/middleware/src/index.ts'

export type Guarded = {
  readonly url: string
  readonly auth: AuthToken
  /** The identity object the handler saw for the last request it ran. */
  lastIdentity(): RequestIdentity | undefined
  close(): Promise<void>
}

export type Called = {
  readonly status: number
  readonly headers: Headers
  readonly body: string
  readonly identity: Record<string, string> | undefined
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void

export function echoHandler(req: IncomingMessage, res: ServerResponse): void {
  const identity: Record<string, string> = {}
  for (const [name, value] of Object.entries(req.headers)) {
    if (
      typeof value === 'string' &&
      /^(x-|openstack-system-scope)/.test(name) &&
      !name.endsWith('-token')
    ) {
      identity[name] = value
    }
  }
  res.writeHead(200, { 'Content-Type': 'application/json' })
  res.end(JSON.stringify({ identity }))
}

export async function startGuarded(
  options: CreateAuthTokenOptions,
  handler: Handler = echoHandler,
): Promise<Guarded> {
  const auth = createAuthToken({ logger: {}, ...options })
  let last: RequestIdentity | undefined
  const server = createServer(
    guardHandler(auth, (req, res) => {
      last = identityOf(req)
      handler(req, res)
    }),
  )
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    auth,
    lastIdentity: () => last,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await auth.close()
    },
  }
}

export async function call(
  url: string,
  headers: Record<string, string> = {},
  path = '/servers',
): Promise<Called> {
  const res = await fetch(`${url}${path}`, { headers })
  const body = await res.text()
  let identity: Record<string, string> | undefined
  if (res.status === 200)
    identity = (JSON.parse(body) as { identity: Record<string, string> }).identity
  return { status: res.status, headers: res.headers, body, identity }
}

export const UNAUTHORIZED = {
  error: {
    code: 401,
    title: 'Unauthorized',
    message: 'The request you have made requires authentication.',
  },
}
