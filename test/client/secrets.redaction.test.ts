/**
 * Secrets never reach errors or logs: a service that echoes the request back in an error body has
 * every token and password scrubbed from the HttpError; failures to connect or time out name the URL
 * only; debug and warning lines carry no credentials.
 * @module
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import {
  BadRequest,
  ConnectFailure,
  downstreamSession,
  PasswordAuth,
  RequestTimeout,
  Session,
  StaticTokenAuth,
  Unauthorized,
} from '../../packages/client/src/index.ts'
import {
  freePort,
  type Identity,
  json,
  type Loopback,
  startIdentity,
  startLoopback,
} from './support.ts'

const USER_TOKEN = 'gAAAAAuser-token-abcdef'
const SERVICE_TOKEN = 'gAAAAAservice-token-123456'
let identity: Identity
let echo: Loopback

before(async () => {
  identity = await startIdentity()
  // answers 400 with everything it received, as a careless service might
  echo = await startLoopback((r, res) =>
    json(res, 400, {
      error: {
        code: 400,
        title: 'Bad Request',
        message: `got ${JSON.stringify(r.headers)} ${r.body}`,
      },
    }),
  )
})
after(async () => {
  await echo?.close()
  await identity?.close()
})

function sessionWithLog(lines: string[]) {
  return downstreamSession({
    user: USER_TOKEN,
    serviceAuth: new StaticTokenAuth(SERVICE_TOKEN),
    logger: { debug: (m) => lines.push(m), warn: (m) => lines.push(m) },
  })
}

test('an echoed request body and headers are scrubbed from the HttpError', async () => {
  const lines: string[] = []
  await assert.rejects(
    sessionWithLog(lines).request(`${echo.url}/volumes`, {
      method: 'POST',
      json: { password: 'hunter2-pw' },
      headers: { 'X-Subject-Token': 'subject-token-999' },
      redact: ['hunter2-pw'],
    }),
    (e: Error) => {
      assert.ok(e instanceof BadRequest)
      const shown = `${e.message}\n${e.body}\n${e.stack}\n${lines.join('\n')}`
      for (const secret of [USER_TOKEN, SERVICE_TOKEN, 'subject-token-999', 'hunter2-pw']) {
        assert.ok(!shown.includes(secret), `${secret} leaked`)
      }
      assert.match(e.body, /\*\*\*/)
      assert.match(e.message, /POST .*\/volumes answered 400: got/)
      return true
    },
  )
  assert.ok(
    lines.some((l) => l.startsWith('REQ: POST')),
    'debug lines were written',
  )
})

test('a login refused by identity: the password is in no error, even when echoed', async () => {
  const front = await startLoopback((r, res) =>
    json(res, 401, { error: { code: 401, title: 'Unauthorized', message: r.body } }),
  )
  try {
    const auth = new PasswordAuth({
      authUrl: `${front.url}/v3`,
      userId: 'u',
      password: 'p4ss-w0rd-xyz',
    })
    await assert.rejects(auth.getAccess(new Session()), (e: Error) => {
      assert.ok(e instanceof Unauthorized)
      assert.ok(front.received[0]?.body.includes('p4ss-w0rd-xyz'), 'the password was sent')
      assert.ok(!`${e.message} ${e.body}`.includes('p4ss-w0rd-xyz'))
      return true
    })
  } finally {
    await front.close()
  }
})

test('connection failures and timeouts name the URL, never the tokens', async () => {
  const lines: string[] = []
  const closed = `http://127.0.0.1:${await freePort()}`
  const s = downstreamSession({
    user: USER_TOKEN,
    serviceAuth: new StaticTokenAuth(SERVICE_TOKEN),
    connectRetries: 1,
    connectRetryDelayMs: 1,
    logger: { debug: (m) => lines.push(m), warn: (m) => lines.push(m) },
  })
  await assert.rejects(s.request(`${closed}/x`), (e: Error) => {
    assert.ok(e instanceof ConnectFailure)
    assert.ok(e.message.includes(`${closed}/x`))
    assert.ok(!`${e.message} ${lines.join(' ')}`.includes('token-'))
    return true
  })
  const silent = await startLoopback(() => {})
  try {
    await assert.rejects(s.request(`${silent.url}/slow`, { timeoutMs: 50 }), (e: Error) => {
      assert.ok(e instanceof RequestTimeout)
      assert.ok(!e.message.includes('token-'))
      return true
    })
  } finally {
    await silent.close()
  }
})
