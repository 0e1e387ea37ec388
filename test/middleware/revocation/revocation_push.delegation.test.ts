/**
 * Job-bound delegation (issue 15) meets the revocation push, end to end against a real identity and
 * a real guarded service (Baton middleware, in-process cache, token_cache_time 300, revocation_push
 * on): a delegation token whose validation is cached is refused (401) once (a) the user token it
 * was obtained from is revoked (`DELETE /v3/auth/tokens`: the event's audit id is the delegation's
 * root_audit_id) or (b) the delegation itself is revoked (`DELETE /v3/OS-BATON/delegations/{id}`),
 * although the test clock never moves, so the cache time cannot have passed. An unrelated
 * delegation stays accepted from the cache. Polled for up to 15 s of wall time; no speed asserted.
 * @module
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { type AccessInfo, downstreamSession, PasswordAuth } from '@baton/client'
import { startTestIdentity, type TestIdentity } from '../../support/identity_server.ts'
import { call, type Guarded, startGuarded } from '../support.ts'

let identity: TestIdentity
let g: Guarded

before(async () => {
  identity = await startTestIdentity({ extraConfig: ['[token]', 'allow_expired_window = 0'] })
  g = await startGuarded({
    options: identity.authtokenOptions({
      token_cache_time: 300,
      revocation_push: true,
      service_type: 'volumev3',
    }),
    clock: identity.clock,
  })
})
after(async () => {
  await g?.close()
  await identity?.close()
})

/** Calls until the status is `status`, for at most 15 s of wall time (never the test clock). */
async function until(token: string, status: number): Promise<number> {
  let last = 0
  for (const deadline = Date.now() + 15_000; Date.now() < deadline; await sleep(50)) {
    last = (await call(g.url, { 'X-Auth-Token': token })).status
    if (last === status) return last
  }
  return last
}

async function connected(): Promise<void> {
  for (const deadline = Date.now() + 15_000; Date.now() < deadline; await sleep(25)) {
    if (g.auth.revocationPush?.connected === true) return
  }
  assert.fail('the subscription never came up')
}

/** A fresh alice token, exchanged by svc for a delegation to volume and image. */
async function delegationFromFreshToken(): Promise<{ user: string; access: AccessInfo }> {
  const user = await identity.token(identity.users.alice)
  const svc = identity.users.svc
  const serviceAuth = new PasswordAuth({
    authUrl: `${identity.url}/v3`,
    username: svc.name,
    userDomainId: 'default',
    password: svc.password,
    projectName: svc.project,
    projectDomainId: 'default',
  })
  const access = await downstreamSession({ user, serviceAuth }).delegate({
    operation: 'compute:boot:push',
    audience: ['volumev3', 'image'],
    expiresIn: 3600,
  })
  return { user, access }
}

/** Validated once, then answered from the middleware's cache (identity not asked again). */
async function cached(token: string): Promise<void> {
  assert.equal((await call(g.url, { 'X-Auth-Token': token })).status, 200)
  await connected() // the subscription's own request to identity comes first
  const asked = identity.requestCount()
  assert.equal((await call(g.url, { 'X-Auth-Token': token })).status, 200)
  assert.equal(identity.requestCount(), asked, 'the second request came from the cache')
}

test('revoking the root user token refuses its cached delegation; another stays', async () => {
  const { user, access } = await delegationFromFreshToken()
  const other = await delegationFromFreshToken()
  await cached(access.token)
  await cached(other.access.token)
  await identity.revoke(user)
  assert.equal(await until(access.token, 401), 401)
  const asked = identity.requestCount()
  assert.equal(
    (await call(g.url, { 'X-Auth-Token': other.access.token })).status,
    200,
    'a delegation from another user token is not touched',
  )
  assert.equal(identity.requestCount(), asked, 'and is still answered from the cache')
})

test('DELETE /v3/OS-BATON/delegations/{id} refuses the cached delegation token', async () => {
  const { user, access } = await delegationFromFreshToken()
  const other = await delegationFromFreshToken()
  await cached(access.token)
  await cached(other.access.token)
  const id = access.delegation?.id ?? ''
  assert.notEqual(id, '')
  const res = await fetch(`${identity.url}/v3/OS-BATON/delegations/${id}`, {
    method: 'DELETE',
    headers: { 'X-Auth-Token': user },
  })
  assert.equal(res.status, 204, await res.text())
  assert.equal(await until(access.token, 401), 401)
  assert.equal(
    (await call(g.url, { 'X-Auth-Token': other.access.token })).status,
    200,
    'another delegation is not touched',
  )
  // the user token it came from is not revoked by it
  const self = await fetch(`${identity.url}/v3/auth/tokens`, {
    headers: { 'X-Auth-Token': user, 'X-Subject-Token': user },
  })
  assert.equal(self.status, 200)
})
