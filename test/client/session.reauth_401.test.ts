/**
 * keystoneauth's 401 rule: when an authenticated request gets 401 and the plugin could drop a
 * cached token, authenticate again and resend once; never more, and never for plugins that cannot
 * renew (a user's own token).
 * @module
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import {
  AccessInfoAuth,
  PasswordAuth,
  Session,
  Unauthorized,
} from '../../packages/client/src/index.ts'
import {
  count,
  type Identity,
  json,
  type Loopback,
  startIdentity,
  startLoopback,
  startProxy,
} from './support.ts'

let identity: Identity
let proxy: Loopback

before(async () => {
  identity = await startIdentity()
  proxy = await startProxy(identity.url)
})
after(async () => {
  await proxy?.close()
  await identity?.close()
})

const logins = () => count(proxy.received, 'POST', '/v3/auth/tokens')

function svcAuth(): PasswordAuth {
  const { svc } = identity.users
  return new PasswordAuth({
    authUrl: `${proxy.url}/v3`,
    userId: svc.id,
    password: svc.password,
    projectId: identity.projects.service,
  })
}

/** A service that answers 401 to the first `rejections` requests, then 200. */
async function rejecting(rejections: number): Promise<Loopback> {
  let left = rejections
  return startLoopback((_r, res) => {
    if (left > 0) {
      left -= 1
      json(res, 401, {
        error: {
          code: 401,
          title: 'Unauthorized',
          message: 'The request you have made requires authentication.',
        },
      })
    } else json(res, 200, { ok: true })
  })
}

test('401 once: the plugin re-authenticates and the request is resent with the new token', async () => {
  const service = await rejecting(1)
  try {
    const session = new Session({ auth: svcAuth(), clock: identity.clock })
    const start = logins()
    const res = await session.request(`${service.url}/servers`)
    assert.equal(res.status, 200)
    assert.deepEqual(res.json(), { ok: true })
    assert.equal(service.received.length, 2)
    const [first, second] = service.received.map((r) => r.headers['x-auth-token'])
    assert.ok(first !== undefined && second !== undefined)
    assert.notEqual(first, second)
    assert.equal(logins() - start, 2)
  } finally {
    await service.close()
  }
})

test('401 always: exactly one resend, then Unauthorized', async () => {
  const service = await rejecting(Number.POSITIVE_INFINITY)
  try {
    const session = new Session({ auth: svcAuth(), clock: identity.clock })
    await assert.rejects(
      session.request(`${service.url}/servers`, { method: 'POST', json: { a: 1 } }),
      (e: Error) => {
        assert.ok(e instanceof Unauthorized)
        assert.equal(e.status, 401)
        assert.equal(e.method, 'POST')
        assert.equal(e.url, `${service.url}/servers`)
        assert.match(e.message, /requires authentication/)
        return true
      },
    )
    assert.equal(service.received.length, 2)
    assert.deepEqual(
      service.received.map((r) => r.body),
      ['{"a":1}', '{"a":1}'],
    )
  } finally {
    await service.close()
  }
})

test('no resend when the plugin has nothing to drop, reauth is off, or the call was anonymous', async () => {
  const service = await rejecting(Number.POSITIVE_INFINITY)
  try {
    const { alice } = identity.users
    const userAccess = await new PasswordAuth({
      authUrl: `${proxy.url}/v3`,
      userId: alice.id,
      password: alice.password,
      projectId: identity.projects.demo,
    }).getAccess(new Session({ clock: identity.clock }))
    const asUser = new Session({ auth: new AccessInfoAuth(userAccess) })
    await assert.rejects(asUser.request(`${service.url}/a`), Unauthorized)
    assert.equal(service.received.length, 1)

    const noReauth = new Session({ auth: svcAuth(), clock: identity.clock })
    await assert.rejects(noReauth.request(`${service.url}/b`, { allowReauth: false }), Unauthorized)
    assert.equal(service.received.length, 2)

    const anonymous = new Session({ auth: svcAuth(), clock: identity.clock })
    const res = await anonymous.request(`${service.url}/c`, {
      authenticated: false,
      raiseExc: false,
    })
    assert.equal(res.status, 401)
    assert.equal(service.received.length, 3)
    assert.equal(service.received[2]?.headers['x-auth-token'], undefined)
  } finally {
    await service.close()
  }
})

test('raiseExc false hands back the 401 after the single resend', async () => {
  const service = await rejecting(Number.POSITIVE_INFINITY)
  try {
    const session = new Session({ auth: svcAuth(), clock: identity.clock })
    const res = await session.request(`${service.url}/servers`, { raiseExc: false })
    assert.equal(res.status, 401)
    assert.equal(service.received.length, 2)
  } finally {
    await service.close()
  }
})
