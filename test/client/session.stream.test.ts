/**
 * `Session.stream`: the request flow of `Session.request` for bodies that stream both ways. The
 * same auth headers and one re-authenticated resend on 401 (only without a body, which cannot be
 * replayed), statuses outside `accept` as the typed HttpError with every credential scrubbed, the
 * answer's body left unread for the caller, and connection failures as ConnectFailure.
 * @module
 */
import assert from 'node:assert/strict'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { test } from 'node:test'
import {
  type AuthPlugin,
  ConnectFailure,
  HttpError,
  NotFound,
  ServiceTokenAuthWrapper,
  Session,
  StaticTokenAuth,
  Unauthorized,
} from '../../packages/client/src/index.ts'
import { freePort } from './support.ts'

/** A plugin whose token is renewed each time it is invalidated (`token-1`, `token-2`, ...). */
class RenewingAuth implements AuthPlugin {
  generation = 1
  async getHeaders(): Promise<Record<string, string>> {
    return { 'X-Auth-Token': `token-${this.generation}` }
  }
  invalidate(): boolean {
    this.generation += 1
    return true
  }
  async getEndpoint(): Promise<string | undefined> {
    return undefined
  }
}

type Seen = { method: string; url: string; headers: IncomingMessage['headers']; bytes: number }

/** A loopback server that counts the body bytes it reads and answers with `reply`. */
async function serve(reply: (seen: Seen, res: ServerResponse) => void) {
  const seen: Seen[] = []
  const server = createServer(async (req, res) => {
    let bytes = 0
    for await (const chunk of req) bytes += (chunk as Buffer).length
    const s = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, bytes }
    seen.push(s)
    reply(s, res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** 401 until the request carries `token-2`, then 200 with a body of `size` bytes. */
const wantsSecondToken = (size: number) => (seen: Seen, res: ServerResponse) => {
  if (seen.headers['x-auth-token'] !== 'token-2') {
    res.writeHead(401, { 'Content-Type': 'application/json' })
    res.end('{"error":{"code":401,"title":"Unauthorized","message":"no"}}')
    return
  }
  res.writeHead(200, { 'Content-Type': 'application/octet-stream' })
  res.end(Buffer.alloc(size, 7))
}

async function* chunks(count: number, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < count; i++) yield Buffer.alloc(size, i)
}

test('a download answered 401 is resent once with the renewed token; the body streams back unread', async () => {
  const server = await serve(wantsSecondToken(3 * 1024 * 1024))
  try {
    const session = new Session({ auth: new RenewingAuth() })
    const res = await session.stream(`${server.url}/file`)
    assert.equal(res.status, 200)
    assert.equal(res.header('Content-Type'), 'application/octet-stream')
    let received = 0
    for await (const chunk of res.body) received += (chunk as Buffer).length
    assert.equal(received, 3 * 1024 * 1024)
    assert.deepEqual(
      server.seen.map((s) => s.headers['x-auth-token']),
      ['token-1', 'token-2'],
    )
  } finally {
    await server.close()
  }
})

test('an upload answered 401 is not resent (its body cannot be replayed): Unauthorized', async () => {
  const server = await serve(wantsSecondToken(0))
  try {
    const session = new Session({ auth: new RenewingAuth() })
    await assert.rejects(
      session.stream(`${server.url}/object`, { method: 'PUT', body: chunks(4, 1024) }),
      (error: unknown) => error instanceof Unauthorized && error.status === 401,
    )
    assert.equal(server.seen.length, 1)
  } finally {
    await server.close()
  }
})

test('an upload streams every chunk to the server, with the caller’s headers and a User-Agent', async () => {
  const server = await serve((_s, res) => {
    res.writeHead(201, { Etag: '"x"' })
    res.end()
  })
  try {
    const session = new Session({ auth: new StaticTokenAuth('user-token') })
    const res = await session.stream(`${server.url}/object`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/octet-stream' },
      body: chunks(64, 64 * 1024),
      accept: (status) => status === 201,
    })
    assert.equal(await res.text(), '')
    const [seen] = server.seen
    assert.equal(seen?.method, 'PUT')
    assert.equal(seen?.bytes, 64 * 64 * 1024)
    assert.equal(seen?.headers['x-auth-token'], 'user-token')
    assert.equal(seen?.headers['content-type'], 'application/octet-stream')
    assert.match(seen?.headers['user-agent'] ?? '', /^baton-client\//)
  } finally {
    await server.close()
  }
})

test('a status outside `accept` is the typed HttpError, with both tokens scrubbed from its body', async () => {
  const server = await serve((s, res) => {
    res.writeHead(s.url === '/gone' ? 404 : 409, { 'Content-Type': 'application/json' })
    res.end(JSON.stringify({ conflict: { message: `saw ${JSON.stringify(s.headers)}` } }))
  })
  try {
    const auth = new ServiceTokenAuthWrapper(
      new StaticTokenAuth('gAAAAAuser-secret'),
      new StaticTokenAuth('gAAAAAservice-secret'),
    )
    const session = new Session({ auth })
    const refused = await session.stream(`${server.url}/object`).then(
      () => assert.fail('a 409 was accepted'),
      (error: unknown) => error,
    )
    assert.ok(refused instanceof HttpError)
    assert.equal(refused.status, 409)
    assert.match(refused.body, /\*\*\*/)
    assert.doesNotMatch(`${refused.body} ${refused.message}`, /user-secret|service-secret/)
    // a status the caller takes comes back as a response, not an error
    const gone = await session.stream(`${server.url}/gone`, {
      method: 'DELETE',
      accept: (status) => status === 204 || status === 404,
    })
    assert.equal(gone.status, 404)
    await gone.text()
    await assert.rejects(session.stream(`${server.url}/gone`), NotFound)
  } finally {
    await server.close()
  }
})

test('no answer is a ConnectFailure naming the URL; an error of the body’s own source is passed on', async () => {
  const session = new Session({ auth: new StaticTokenAuth('gAAAAAuser-secret') })
  const port = await freePort()
  await assert.rejects(session.stream(`http://127.0.0.1:${port}/file`), (error: unknown) => {
    assert.ok(error instanceof ConnectFailure)
    assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${port}/file`))
    assert.doesNotMatch(error.message, /user-secret/)
    return true
  })

  const server = await serve((_s, res) => {
    res.writeHead(201)
    res.end()
  })
  try {
    const tooBig = new Error('the source gave up')
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield Buffer.alloc(1024)
      throw tooBig
    }
    await assert.rejects(
      session.stream(`${server.url}/object`, { method: 'PUT', body: failing() }),
      (error: unknown) => error === tooBig,
    )
  } finally {
    await server.close()
  }
})
