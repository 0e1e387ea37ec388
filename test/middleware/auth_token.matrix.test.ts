/**
 * The service-token outcome matrix, Baton's middleware against a real Baton identity server, with an
 * injected clock shared by both (tokens expire by advancing it, not by sleeping). Every case uses
 * tokens the middleware has never seen, so caches cannot decide outcomes.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  EXPIRATION,
  startTestIdentity,
  type TestIdentity,
  WINDOW,
} from '../support/identity_server.ts'
import { call, type Guarded, startGuarded, UNAUTHORIZED } from './support.ts'

let identity: TestIdentity
let guarded: Guarded

before(async () => {
  identity = await startTestIdentity()
  guarded = await startGuarded({ options: identity.authtokenOptions(), clock: identity.clock })
})
after(async () => {
  await guarded?.close()
  await identity?.close()
})

async function expectRejected(headers: Record<string, string>): Promise<void> {
  const res = await call(guarded.url, headers)
  assert.equal(res.status, 401, res.body)
  assert.deepEqual(JSON.parse(res.body), UNAUTHORIZED)
  assert.equal(res.headers.get('www-authenticate'), `Keystone uri="${identity.url}/v3"`)
  assert.equal(res.headers.get('content-type'), 'application/json; charset=UTF-8')
}

describe('fresh tokens', () => {
  test('a valid user token passes with the user headers', async () => {
    const alice = identity.users.alice
    const res = await call(guarded.url, { 'X-Auth-Token': await identity.token(alice) })
    assert.equal(res.status, 200)
    assert.equal(res.identity?.['x-identity-status'], 'Confirmed')
    assert.equal(res.identity?.['x-service-identity-status'], undefined)
    assert.equal(res.identity?.['x-user-id'], alice.id)
    assert.equal(res.identity?.['x-user-name'], 'alice')
    assert.equal(res.identity?.['x-project-name'], 'demo')
    assert.equal(res.identity?.['x-roles']?.split(',').includes('member'), true)
    // no [resource] admin_project_name: the token has no is_admin_project, which means True
    assert.equal(res.identity?.['x-is-admin-project'], 'True')
    assert.equal(res.identity?.['x-service-user-id'], undefined)
    assert.equal(guarded.lastIdentity()?.acceptedExpiredUserToken, false)
  })

  test('X-Storage-Token is the fallback for X-Auth-Token', async () => {
    const res = await call(guarded.url, {
      'X-Storage-Token': await identity.token(identity.users.alice),
    })
    assert.equal(res.status, 200)
  })

  test('user + service token: both confirmed, service headers set', async () => {
    const res = await call(guarded.url, {
      'X-Auth-Token': await identity.token(identity.users.alice),
      'X-Service-Token': await identity.token(identity.users.svc),
    })
    assert.equal(res.status, 200)
    assert.equal(res.identity?.['x-identity-status'], 'Confirmed')
    assert.equal(res.identity?.['x-service-identity-status'], 'Confirmed')
    assert.equal(res.identity?.['x-service-user-id'], identity.users.svc.id)
    assert.equal(res.identity?.['x-service-project-name'], 'service')
    assert.equal(res.identity?.['x-service-roles'], 'service')
    assert.equal(guarded.lastIdentity()?.service?.userId, identity.users.svc.id)
  })

  test('no token, garbage token, garbage service token: 401', async () => {
    await expectRejected({})
    await expectRejected({ 'X-Auth-Token': 'gAAAAA-not-a-token' })
    await expectRejected({
      'X-Auth-Token': await identity.token(identity.users.alice),
      'X-Service-Token': 'garbage',
    })
  })

  test('a service token alone never authenticates', async () => {
    await expectRejected({ 'X-Service-Token': await identity.token(identity.users.svc) })
  })

  test('a service token without a service role makes the request fail', async () => {
    await expectRejected({
      'X-Auth-Token': await identity.token(identity.users.alice),
      'X-Service-Token': await identity.token(identity.users.nosvc),
    })
  })

  test('a revoked user token with a service token: 401', async () => {
    const user = await identity.token(identity.users.alice)
    await identity.revoke(user)
    await expectRejected({
      'X-Auth-Token': user,
      'X-Service-Token': await identity.token(identity.users.svc),
    })
  })
})

describe('expired user tokens', () => {
  test('accepted only with a fresh service token holding the role, within the window', async () => {
    const u = identity.users.alice
    const [alone, withRole, withoutRole, revoked, beyond] = await Promise.all(
      [1, 2, 3, 4, 5].map(() => identity.token(u)),
    )
    await identity.revoke(revoked as string)
    identity.clock.advance(EXPIRATION + 60)

    await expectRejected({ 'X-Auth-Token': alone as string })
    const svc = () => identity.token(identity.users.svc)
    const res = await call(guarded.url, {
      'X-Auth-Token': withRole as string,
      'X-Service-Token': await svc(),
    })
    assert.equal(res.status, 200, res.body)
    assert.equal(res.identity?.['x-user-id'], u.id)
    assert.equal(res.identity?.['x-service-user-id'], identity.users.svc.id)
    assert.equal(guarded.lastIdentity()?.acceptedExpiredUserToken, true)
    await expectRejected({
      'X-Auth-Token': withoutRole as string,
      'X-Service-Token': await identity.token(identity.users.nosvc),
    })
    await expectRejected({ 'X-Auth-Token': revoked as string, 'X-Service-Token': await svc() })

    identity.clock.advance(WINDOW)
    await expectRejected({ 'X-Auth-Token': beyond as string, 'X-Service-Token': await svc() })
  })
})
