/**
 * Token life cycle of identity plugins with injected clocks (the identity server shares it): the
 * token is reused until 120 s before expiry, then renewed; 20 concurrent callers share one
 * authentication; a failed authentication is not cached.
 * @module
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import {
  MIN_TOKEN_LIFE_SECONDS,
  PasswordAuth,
  ServiceUnavailable,
  Session,
} from '../../packages/client/src/index.ts'
import {
  count,
  EXPIRATION,
  type Identity,
  type Loopback,
  startIdentity,
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

function svcAuth(target = proxy.url): PasswordAuth {
  const { svc } = identity.users
  return new PasswordAuth({
    authUrl: `${target}/v3`,
    username: svc.name,
    userDomainId: 'default',
    password: svc.password,
    projectName: 'service',
    projectDomainId: 'default',
  })
}

test('the token is reused until it has 120 s left, then renewed', async () => {
  const session = new Session({ clock: identity.clock })
  const auth = svcAuth()
  const start = logins()
  const first = await auth.getHeaders(session)
  identity.clock.advance(EXPIRATION - MIN_TOKEN_LIFE_SECONDS - 1)
  assert.deepEqual(await auth.getHeaders(session), first, '121 s left: still the same token')
  assert.equal(logins() - start, 1)
  identity.clock.advance(2)
  const second = await auth.getHeaders(session)
  assert.notDeepEqual(second, first, '119 s left: renewed')
  assert.equal(logins() - start, 2)
  const access = await auth.getAccess(session)
  assert.equal(access.expiresAt.getTime(), identity.clock.now() + EXPIRATION * 1000)
})

test('20 concurrent getHeaders share one authentication', async () => {
  const session = new Session({ clock: identity.clock })
  const auth = svcAuth()
  const start = logins()
  const all = await Promise.all(Array.from({ length: 20 }, () => auth.getHeaders(session)))
  assert.equal(logins() - start, 1)
  assert.equal(new Set(all.map((h) => h?.['X-Auth-Token'])).size, 1)

  // and again once the token is about to expire: one renewal for 20 callers
  identity.clock.advance(EXPIRATION - 60)
  const renewed = await Promise.all(Array.from({ length: 20 }, () => auth.getHeaders(session)))
  assert.equal(logins() - start, 2)
  assert.equal(new Set(renewed.map((h) => h?.['X-Auth-Token'])).size, 1)
  assert.notEqual(renewed[0]?.['X-Auth-Token'], all[0]?.['X-Auth-Token'])
})

test('a failed authentication is shared by its waiters but not cached', async () => {
  const flaky = await startProxy(identity.url, { failAuth: 1 })
  try {
    const session = new Session({ clock: identity.clock })
    const auth = svcAuth(flaky.url)
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => auth.getHeaders(session)),
    )
    assert.ok(
      results.every((r) => r.status === 'rejected' && r.reason instanceof ServiceUnavailable),
    )
    assert.equal(count(flaky.received, 'POST', '/v3/auth/tokens'), 1)
    const headers = await auth.getHeaders(session)
    assert.match(headers?.['X-Auth-Token'] ?? '', /^gAAAAA/)
    assert.equal(count(flaky.received, 'POST', '/v3/auth/tokens'), 2)
  } finally {
    await flaky.close()
  }
})

test('invalidate drops the cached token exactly when there is one', async () => {
  const session = new Session({ clock: identity.clock })
  const auth = svcAuth()
  assert.equal(auth.invalidate(), false)
  const first = await auth.getHeaders(session)
  assert.equal(auth.invalidate(), true)
  assert.equal(auth.invalidate(), false)
  assert.notDeepEqual(await auth.getHeaders(session), first)
})

test('a plugin clock wins over the session clock', async () => {
  let now = identity.clock.now()
  const { svc } = identity.users
  const auth = new PasswordAuth({
    authUrl: `${proxy.url}/v3`,
    userId: svc.id,
    password: svc.password,
    projectId: identity.projects.service,
    clock: { now: () => now },
  })
  const session = new Session({ clock: identity.clock })
  const first = await auth.getHeaders(session)
  identity.clock.advance(EXPIRATION * 10)
  assert.deepEqual(await auth.getHeaders(session), first, 'the session clock is ignored')
  now += EXPIRATION * 1000
  assert.notDeepEqual(await auth.getHeaders(session), first)
})
