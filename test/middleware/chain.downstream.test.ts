/**
 * The chain: compute receives a user's request, then calls volume with `auth.sessionFor(identity)`,
 * which sends the user's token plus compute's own token as X-Service-Token. Once the user token has
 * expired, volume still accepts it because compute vouches for it. A user token kept for later (a
 * background job's `{ userToken }`) takes the same path, with bodies streamed.
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { identityOf } from '../../packages/middleware/src/index.ts'
import { EXPIRATION, startTestIdentity, type TestIdentity } from '../support/identity_server.ts'
import { type Guarded, startGuarded } from './support.ts'

let identity: TestIdentity
let volume: Guarded
let compute: Guarded

before(async () => {
  identity = await startTestIdentity()
  volume = await startGuarded({ options: identity.authtokenOptions(), clock: identity.clock })
  compute = await startGuarded(
    { options: identity.authtokenOptions(), clock: identity.clock },
    (req, res) => {
      const who = identityOf(req)
      if (who === undefined) throw new Error('no identity')
      if (req.url === '/kept') {
        // what a job keeps of the request: the confirmed token, sent later through the same path
        const kept = { userToken: who.user?.token ?? '' }
        compute.auth
          .sessionFor(kept)
          .stream(`${volume.url}/volumes`, { accept: () => true })
          .then(
            (downstream) => {
              res.writeHead(downstream.status, { 'Content-Type': 'application/json' })
              downstream.body.pipe(res)
            },
            (error: Error) => {
              res.writeHead(502)
              res.end(error.message)
            },
          )
        return
      }
      const session = compute.auth.sessionFor(who)
      session.request(`${volume.url}/volumes`, { raiseExc: false }).then(
        (downstream) => {
          res.writeHead(downstream.status, { 'Content-Type': 'application/json' })
          res.end(downstream.text)
        },
        (error: Error) => {
          res.writeHead(502)
          res.end(error.message)
        },
      )
    },
  )
})
after(async () => {
  await compute?.close()
  await volume?.close()
  await identity?.close()
})

test('a downstream call carries the user token and the service token of the caller', async () => {
  const res = await fetch(`${compute.url}/servers`, {
    headers: { 'X-Auth-Token': await identity.token(identity.users.alice) },
  })
  assert.equal(res.status, 200)
  const seen = ((await res.json()) as { identity: Record<string, string> }).identity
  assert.equal(seen['x-user-id'], identity.users.alice.id)
  assert.equal(seen['x-service-identity-status'], 'Confirmed')
  assert.equal(seen['x-service-user-id'], identity.users.authtoken.id)
  assert.equal(seen['x-service-roles'], 'service')
})

test('an expired user token travels on: compute is vouched for by the sender, volume by compute', async () => {
  const userToken = await identity.token(identity.users.alice)
  identity.clock.advance(EXPIRATION + 30)
  const res = await fetch(`${compute.url}/servers`, {
    headers: {
      'X-Auth-Token': userToken,
      'X-Service-Token': await identity.token(identity.users.svc),
    },
  })
  assert.equal(res.status, 200)
  const seen = ((await res.json()) as { identity: Record<string, string> }).identity
  assert.equal(seen['x-user-id'], identity.users.alice.id)
  assert.equal(seen['x-service-user-id'], identity.users.authtoken.id)
  assert.equal(volume.lastIdentity()?.acceptedExpiredUserToken, true)
})

test('a kept user token (a job’s delegation) streams through sessionFor, vouched for after expiry', async () => {
  const userToken = await identity.token(identity.users.alice)
  identity.clock.advance(EXPIRATION + 30)
  const res = await fetch(`${compute.url}/kept`, {
    headers: {
      'X-Auth-Token': userToken,
      'X-Service-Token': await identity.token(identity.users.svc),
    },
  })
  assert.equal(res.status, 200)
  const seen = ((await res.json()) as { identity: Record<string, string> }).identity
  assert.equal(seen['x-user-id'], identity.users.alice.id)
  assert.equal(seen['x-service-user-id'], identity.users.authtoken.id)
  assert.equal(volume.lastIdentity()?.acceptedExpiredUserToken, true)
})
