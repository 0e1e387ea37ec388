/**
 * What a downstream service receives: the user's token as X-Auth-Token and the sender's own token
 * as X-Service-Token (keystoneauth's ServiceTokenAuthWrapper), through downstreamSession, with the
 * service token shared and refreshed once for all concurrent calls and renewed on a 401.
 * @module
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import {
  type AccessInfo,
  type AuthPlugin,
  downstreamSession,
  PasswordAuth,
  ServiceTokenAuthWrapper,
  Session,
  StaticTokenAuth,
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
let volume: Loopback
let userAccess: AccessInfo
let rejectNext = 0

before(async () => {
  identity = await startIdentity()
  proxy = await startProxy(identity.url)
  volume = await startLoopback((_r, res) => {
    if (rejectNext > 0) {
      rejectNext -= 1
      json(res, 401, { error: { code: 401, title: 'Unauthorized', message: 'no' } })
    } else json(res, 200, { ok: true })
  })
  const { alice } = identity.users
  userAccess = await new PasswordAuth({
    authUrl: `${identity.url}/v3`,
    userId: alice.id,
    password: alice.password,
    projectId: identity.projects.demo,
  }).getAccess(new Session({ clock: identity.clock }))
})
after(async () => {
  await volume?.close()
  await proxy?.close()
  await identity?.close()
})

const logins = () => count(proxy.received, 'POST', '/v3/auth/tokens')

function serviceAuth(): PasswordAuth {
  const { svc } = identity.users
  return new PasswordAuth({
    authUrl: `${proxy.url}/v3`,
    username: svc.name,
    userDomainName: 'Default',
    password: svc.password,
    projectName: 'service',
    projectDomainName: 'Default',
  })
}

const last = () => volume.received.at(-1)?.headers ?? {}

test('downstreamSession sends the user token and the service token', async () => {
  const service = serviceAuth()
  const session = downstreamSession({
    user: userAccess,
    serviceAuth: service,
    clock: identity.clock,
  })
  await session.request(`${volume.url}/volumes`)
  const serviceAccess = await service.getAccess(session)
  assert.equal(last()['x-auth-token'], userAccess.token)
  assert.equal(last()['x-service-token'], serviceAccess.token)
  assert.notEqual(serviceAccess.token, userAccess.token)
})

test('without a service plugin only the user token goes; a raw token string works too', async () => {
  await downstreamSession({ user: userAccess, serviceAuth: null }).request(`${volume.url}/a`)
  assert.equal(last()['x-auth-token'], userAccess.token)
  assert.equal(last()['x-service-token'], undefined)

  const service = serviceAuth()
  const raw = downstreamSession({
    user: userAccess.token,
    serviceAuth: service,
    clock: identity.clock,
  })
  await raw.request(`${volume.url}/b`)
  assert.equal(last()['x-auth-token'], userAccess.token)
  assert.equal(last()['x-service-token'], (await service.getAccess(raw)).token)
})

test('endpoints come from the user’s catalog, not the service’s', async () => {
  const session = downstreamSession({
    user: userAccess,
    serviceAuth: serviceAuth(),
    clock: identity.clock,
  })
  assert.equal(await session.getEndpoint({ serviceType: 'identity' }), `${identity.url}/v3/`)
  const start = logins()
  const noCatalog = downstreamSession({
    user: 'raw-token',
    serviceAuth: serviceAuth(),
    clock: identity.clock,
  })
  assert.equal(await noCatalog.getEndpoint({ serviceType: 'identity' }), undefined)
  assert.equal(logins() - start, 0, 'looking up an endpoint did not log the service in')
})

test('20 concurrent downstream calls share one service login', async () => {
  const service = serviceAuth()
  const start = logins()
  const before = volume.received.length
  await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      downstreamSession({ user: userAccess, serviceAuth: service, clock: identity.clock }).request(
        `${volume.url}/v/${i}`,
      ),
    ),
  )
  assert.equal(logins() - start, 1)
  const tokens = new Set(volume.received.slice(before).map((r) => r.headers['x-service-token']))
  assert.equal(tokens.size, 1)
})

test('a 401 renews the service token (the user token cannot be) and resends once', async () => {
  const service = serviceAuth()
  const session = downstreamSession({
    user: userAccess,
    serviceAuth: service,
    clock: identity.clock,
  })
  await session.request(`${volume.url}/warm`)
  const oldServiceToken = last()['x-service-token']
  const start = logins()
  const before = volume.received.length
  rejectNext = 1
  const res = await session.request(`${volume.url}/volumes`)
  assert.equal(res.status, 200)
  const [rejected, resent] = volume.received.slice(before).map((r) => r.headers)
  assert.equal(rejected?.['x-service-token'], oldServiceToken)
  assert.equal(resent?.['x-auth-token'], userAccess.token)
  assert.notEqual(resent?.['x-service-token'], oldServiceToken)
  assert.equal(logins() - start, 1)
})

test('the wrapper follows keystoneauth: null user headers become {}, the service token overwrites', async () => {
  const calls: string[] = []
  const plugin = (
    name: string,
    headers: Record<string, string> | null,
    dropped: boolean,
  ): AuthPlugin => ({
    getHeaders: async () => headers,
    invalidate: () => {
      calls.push(name)
      return dropped
    },
    getEndpoint: async () => `http://${name}`,
  })
  const session = new Session()
  const nothing = new ServiceTokenAuthWrapper(
    plugin('user', null, false),
    plugin('svc', null, false),
  )
  assert.deepEqual(await nothing.getHeaders(session), {})
  const forged = new ServiceTokenAuthWrapper(
    plugin('user', { 'X-Auth-Token': 'u', 'x-service-token': 'stale' }, false),
    new StaticTokenAuth('fresh'),
  )
  assert.deepEqual(await forged.getHeaders(session), {
    'X-Auth-Token': 'u',
    'X-Service-Token': 'fresh',
  })
  assert.equal(await forged.getEndpoint(session, { serviceType: 'x' }), 'http://user')
  // both are invalidated, even when the first already dropped something
  assert.equal(
    new ServiceTokenAuthWrapper(
      plugin('user', null, true),
      plugin('svc', null, false),
    ).invalidate(),
    true,
  )
  assert.deepEqual(calls, ['user', 'svc'])
  assert.equal(
    new ServiceTokenAuthWrapper(
      plugin('user', null, false),
      plugin('svc', null, false),
    ).invalidate(),
    false,
  )
  // a user plugin without headers is not an AuthorizationFailure once wrapped
  const wrapped = new Session({
    auth: new ServiceTokenAuthWrapper(plugin('user', null, false), new StaticTokenAuth('svc-tok')),
  })
  await wrapped.request(`${volume.url}/wrapped`)
  assert.equal(last()['x-auth-token'], undefined)
  assert.equal(last()['x-service-token'], 'svc-tok')
  await assert.rejects(
    new Session({ auth: plugin('user', null, false) }).request(`${volume.url}/x`),
    /No valid authentication is available/,
  )
})
