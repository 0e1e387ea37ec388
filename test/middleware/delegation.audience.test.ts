/**
 * Baton's middleware and job-bound delegation tokens (issue 15), against a real identity with
 * `allow_expired_window = 0`: a delegation obtained through the client's `DownstreamSession.delegate`
 * passes only at a service whose `[keystone_authtoken] service_type` is in its audience (401 and a
 * log line naming why otherwise), its id and actor chain reach the service as
 * X-Baton-Delegation-Id / X-Baton-Actor-Chain and `identityOf(req).delegation`, forged copies of
 * those headers are stripped, a delegation cannot pose as a service token, and a cached validation
 * keeps the delegation.
 * @module
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { AccessInfo, downstreamSession, HttpError, PasswordAuth } from '@baton/client'
import {
  ACTOR_CHAIN_HEADER,
  createMemoryBackend,
  DELEGATION_ID_HEADER,
  decodeActorChain,
  encodeActorChain,
  parseSecurityStrategy,
  TokenCache,
} from '../../packages/middleware/src/index.ts'
import { startTestIdentity, type TestIdentity, type WorldUser } from '../support/identity_server.ts'
import { call, type Guarded, startGuarded, UNAUTHORIZED } from './support.ts'

let identity: TestIdentity
const guarded: Guarded[] = []

before(async () => {
  identity = await startTestIdentity({ extraConfig: ['[token]', 'allow_expired_window = 0'] })
})
after(async () => {
  for (const g of guarded) await g.close()
  await identity?.close()
})

function serviceAuth(user: WorldUser): PasswordAuth {
  return new PasswordAuth({
    authUrl: `${identity.url}/v3`,
    username: user.name,
    userDomainId: 'default',
    password: user.password,
    projectName: user.project,
    projectDomainId: 'default',
  })
}

async function guard(extra: Record<string, string | number | boolean> = {}) {
  const lines: string[] = []
  const g = await startGuarded({
    options: identity.authtokenOptions(extra),
    logger: { warn: (m) => lines.push(m), info: (m) => lines.push(m) },
    clock: identity.clock,
  })
  guarded.push(g)
  return { g, lines }
}

/** alice's token exchanged by svc for a delegation to volume, image and the object store. */
async function bootDelegation(): Promise<AccessInfo> {
  const user = await identity.token(identity.users.alice)
  return downstreamSession({ user, serviceAuth: serviceAuth(identity.users.svc) }).delegate({
    operation: 'compute:boot:1234',
    audience: ['volumev3', 'image', 'object-store'],
    expiresIn: 3600,
  })
}

test('client: delegate() answers the delegation token and its OS-BATON:delegation', async () => {
  const access = await bootDelegation()
  const d = access.delegation
  assert.ok(d !== undefined)
  assert.equal(d.operation, 'compute:boot:1234')
  assert.deepEqual([...d.audience], ['volumev3', 'image', 'object-store'])
  assert.deepEqual(
    d.actors.map((a) => [a.userId, a.userName]),
    [[identity.users.svc.id, 'svc']],
  )
  assert.equal(access.userId, identity.users.alice.id)
  assert.notEqual(access.token, '')
})

test('client: delegate() without a service plugin is refused before any call', async () => {
  const user = await identity.token(identity.users.alice)
  const before = identity.requestCount()
  await assert.rejects(
    downstreamSession({ user, serviceAuth: null }).delegate({
      operation: 'x',
      audience: ['image'],
      expiresIn: 60,
    }),
    /needs this service.s own token/,
  )
  assert.equal(identity.requestCount(), before)
})

test('client: identity refuses an actor without the service role (the HttpError reaches the caller)', async () => {
  const user = await identity.token(identity.users.alice)
  const session = downstreamSession({ user, serviceAuth: serviceAuth(identity.users.nosvc) })
  await assert.rejects(
    session.delegate({ operation: 'x', audience: ['image'], expiresIn: 60 }),
    (e: unknown) => e instanceof HttpError && e.status >= 400 && e.status < 500,
  )
})

test('a delegation passes where its audience names the service: headers and identityOf', async () => {
  const access = await bootDelegation()
  const { g } = await guard({ service_type: 'volumev3' })
  const res = await call(g.url, { 'X-Auth-Token': access.token })
  assert.equal(res.status, 200)
  assert.equal(res.identity?.['x-baton-delegation-id'], access.delegation?.id)
  const chain = res.identity?.['x-baton-actor-chain'] ?? ''
  assert.equal(chain, `${identity.users.svc.id};name=svc`)
  assert.deepEqual(decodeActorChain(chain), [{ userId: identity.users.svc.id, userName: 'svc' }])
  assert.equal(res.identity?.['x-user-id'], identity.users.alice.id)
  const seen = g.lastIdentity()?.delegation
  assert.equal(seen?.id, access.delegation?.id)
  assert.equal(seen?.operation, 'compute:boot:1234')
  assert.equal(seen?.rootAuditId, access.delegation?.rootAuditId)
})

test('a delegation outside its audience is a 401, and the log says why', async () => {
  const access = await bootDelegation()
  const { g, lines } = await guard({ service_type: 'compute' })
  const res = await call(g.url, { 'X-Auth-Token': access.token })
  assert.equal(res.status, 401)
  assert.deepEqual(JSON.parse(res.body), UNAUTHORIZED)
  const why = lines.find((l) => l.includes(String(access.delegation?.id)))
  assert.match(why ?? '', /audience \[volumev3, image, object-store\] does not include .* compute/)
})

test('without [keystone_authtoken] service_type every delegation is refused; plain tokens pass', async () => {
  const access = await bootDelegation()
  const { g, lines } = await guard()
  assert.equal((await call(g.url, { 'X-Auth-Token': access.token })).status, 401)
  assert.ok(lines.some((l) => l.includes('service_type is not set')))
  const plain = await identity.token(identity.users.alice)
  assert.equal((await call(g.url, { 'X-Auth-Token': plain })).status, 200)
})

test('delay_auth_decision: a delegation outside its audience passes on as Invalid, without its headers', async () => {
  const access = await bootDelegation()
  const { g } = await guard({ service_type: 'compute', delay_auth_decision: true })
  const res = await call(g.url, {
    'X-Auth-Token': access.token,
    [DELEGATION_ID_HEADER]: 'forged',
  })
  assert.equal(res.status, 200)
  assert.equal(res.identity?.['x-identity-status'], 'Invalid')
  assert.equal(res.identity?.['x-baton-delegation-id'], undefined)
})

test('forged delegation headers are stripped from a plain user token’s request', async () => {
  const { g } = await guard({ service_type: 'volumev3' })
  const plain = await identity.token(identity.users.alice)
  const res = await call(g.url, {
    'X-Auth-Token': plain,
    [DELEGATION_ID_HEADER]: 'forged-id',
    [ACTOR_CHAIN_HEADER]: 'forged;name=nova',
  })
  assert.equal(res.status, 200)
  assert.equal(res.identity?.['x-baton-delegation-id'], undefined)
  assert.equal(res.identity?.['x-baton-actor-chain'], undefined)
  assert.equal(g.lastIdentity()?.delegation, undefined)
})

test('a delegation sent as X-Service-Token cannot vouch for anyone', async () => {
  const access = await bootDelegation()
  const { g, lines } = await guard({ service_type: 'volumev3' })
  const user = await identity.token(identity.users.alice)
  const res = await call(g.url, { 'X-Auth-Token': user, 'X-Service-Token': access.token })
  assert.equal(res.status, 401)
  assert.ok(lines.some((l) => l.includes('sent as X-Service-Token')))
})

test('narrowed by a second service: the chain lists both, oldest first; the cached validation keeps it', async () => {
  const root = await bootDelegation()
  const narrowed = await downstreamSession({
    user: root.token,
    serviceAuth: serviceAuth(identity.users.authtoken),
  }).delegate({ operation: 'compute:boot:1234', audience: ['image'], expiresIn: 600 })
  assert.deepEqual(
    narrowed.delegation?.actors.map((a) => a.userName),
    ['svc', 'authtoken'],
  )
  // no revocation feed: its long-poll would count among identity's requests below
  const { g } = await guard({ service_type: 'image', revocation_push: false })
  const first = await call(g.url, { 'X-Auth-Token': narrowed.token })
  assert.equal(first.status, 200)
  const expected = encodeActorChain(narrowed.delegation?.actors ?? [])
  assert.equal(first.identity?.['x-baton-actor-chain'], expected)
  assert.deepEqual(
    decodeActorChain(expected).map((a) => a.userId),
    [identity.users.svc.id, identity.users.authtoken.id],
  )
  // the second request is answered from the middleware's cache, delegation and all
  const asked = identity.requestCount()
  const second = await call(g.url, { 'X-Auth-Token': narrowed.token })
  assert.equal(identity.requestCount(), asked)
  assert.equal(second.identity?.['x-baton-delegation-id'], narrowed.delegation?.id)
  assert.equal(second.identity?.['x-baton-actor-chain'], expected)
  assert.deepEqual(g.lastIdentity()?.delegation?.audience, ['image'])
  // the root names image too
  assert.equal((await call(g.url, { 'X-Auth-Token': root.token })).status, 200)
})

test('the actor chain encoding escapes separators in names and ids', () => {
  const actors = [{ userId: 'a,b', userName: 'x;y=z' }, { userId: 'plain' }]
  const value = encodeActorChain(actors)
  assert.equal(value, 'a%2Cb;name=x%3By%3Dz,plain')
  assert.deepEqual(decodeActorChain(value), actors)
})

test('an unreadable OS-BATON:delegation member makes the body invalid, never a plain token', () => {
  const body = {
    token: { expires_at: '2030-01-01T00:00:00Z', 'OS-BATON:delegation': { id: 'x' } },
  }
  assert.throws(() => AccessInfo.fromTokenResponse('t', body), /not a delegation object/)
})

test('the shared cache (ENCRYPT envelope) gives the delegation back with the body', async () => {
  const access = await bootDelegation()
  const cache = new TokenCache({
    backend: createMemoryBackend({ clock: identity.clock }),
    securityStrategy: parseSecurityStrategy('ENCRYPT'),
    secretKey: 'a-shared-secret',
    clock: identity.clock,
  })
  await cache.set(access.token, 'allow_expired', access.body, 60)
  const back = AccessInfo.fromTokenResponse(
    access.token,
    await cache.get(access.token, 'allow_expired'),
  )
  assert.deepEqual(back.delegation, access.delegation)
  await cache.close()
})
