/**
 * auth_url handling: an unversioned URL is discovered once (GET /, the v3 `self` link), a `/v3` or
 * `/v3/` URL is used as is, and a server without v3 is a DiscoveryFailure.
 * @module
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { DiscoveryFailure, PasswordAuth, Session } from '../../packages/client/src/index.ts'
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

function svcAuth(authUrl: string): PasswordAuth {
  const { svc } = identity.users
  return new PasswordAuth({
    authUrl,
    username: svc.name,
    userDomainId: 'default',
    password: svc.password,
    projectName: 'service',
    projectDomainId: 'default',
  })
}

test('an unversioned auth_url is discovered once, then tokens come from its v3 self link', async () => {
  const session = new Session({ clock: identity.clock })
  const auth = svcAuth(proxy.url)
  const start = proxy.received.length
  const access = await auth.getAccess(session)
  assert.equal(access.userId, identity.users.svc.id)
  auth.invalidate()
  await auth.getAccess(session)
  const seen = proxy.received.slice(start).map((r) => `${r.method} ${r.url}`)
  assert.deepEqual(seen, ['GET /', 'POST /v3/auth/tokens', 'POST /v3/auth/tokens'])
})

test('a versioned auth_url, with or without the trailing slash, needs no discovery', async () => {
  for (const authUrl of [`${proxy.url}/v3`, `${proxy.url}/v3/`]) {
    const start = proxy.received.length
    await svcAuth(authUrl).getAccess(new Session({ clock: identity.clock }))
    const seen = proxy.received.slice(start).map((r) => `${r.method} ${r.url}`)
    assert.deepEqual(seen, ['POST /v3/auth/tokens'], authUrl)
  }
})

test('a path prefix is kept: the self link decides where tokens are asked for', async () => {
  // a server that advertises v3 under /identity/v3 (devstack's layout), answering tokens there
  const front = await startLoopback((r, res) => {
    if (r.url === '/identity') {
      json(res, 300, {
        versions: {
          values: [
            {
              id: 'v2.0',
              status: 'deprecated',
              links: [{ rel: 'self', href: 'http://ignored/v2.0/' }],
            },
            {
              id: 'v3.14',
              status: 'stable',
              links: [{ rel: 'self', href: `${front.url}/identity/v3/` }],
            },
          ],
        },
      })
    } else json(res, 404, { error: { code: 404, title: 'Not Found', message: r.url } })
  })
  try {
    const auth = svcAuth(`${front.url}/identity`)
    await assert.rejects(auth.getAccess(new Session()), /answered 404/)
    assert.deepEqual(
      front.received.map((r) => `${r.method} ${r.url}`),
      ['GET /identity', 'POST /identity/v3/auth/tokens'],
    )
  } finally {
    await front.close()
  }
})

test('no v3 on offer, or no version document at all, is a DiscoveryFailure', async () => {
  const answers: [number, unknown][] = [
    [
      300,
      { versions: { values: [{ id: 'v2.0', links: [{ rel: 'self', href: 'http://x/v2.0/' }] }] } },
    ],
    [200, { hello: 'world' }],
    [500, { error: 'boom' }],
  ]
  for (const [status, body] of answers) {
    const server = await startLoopback((_r, res) => json(res, status, body))
    try {
      await assert.rejects(svcAuth(server.url).getAccess(new Session()), DiscoveryFailure)
      assert.equal(count(server.received, 'POST', '/v3/auth/tokens'), 0)
    } finally {
      await server.close()
    }
  }
})
