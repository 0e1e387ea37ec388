/**
 * Positive validations are cached (keyed by a hash of the token) for token_cache_time, never past the
 * token's expiry; invalid tokens never are. Proven by taking identity away: a cached token still
 * passes, an uncached one gets 503.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { startTestIdentity } from '../support/identity_server.ts'
import { call, startGuarded } from './support.ts'

test('cache hits survive identity going away; misses, expiry and TTL do not', async () => {
  const identity = await startTestIdentity()
  const g = await startGuarded({
    options: identity.authtokenOptions({ token_cache_time: 120 }),
    clock: identity.clock,
  })
  try {
    const cached = await identity.token(identity.users.alice)
    const shortLived = await identity.token(identity.users.alice)
    const never = await identity.token(identity.users.alice)
    assert.equal((await call(g.url, { 'X-Auth-Token': cached })).status, 200)
    assert.equal((await call(g.url, { 'X-Auth-Token': 'garbage' })).status, 401)
    identity.clock.advance(590) // shortLived now has 10 s left
    assert.equal((await call(g.url, { 'X-Auth-Token': shortLived })).status, 200)
    void never
    await identity.close()

    assert.equal(
      (await call(g.url, { 'X-Auth-Token': 'garbage' })).status,
      503,
      'invalid tokens are not cached',
    )
    assert.equal((await call(g.url, { 'X-Auth-Token': never })).status, 503)
    identity.clock.advance(5)
    assert.equal(
      (await call(g.url, { 'X-Auth-Token': shortLived })).status,
      200,
      'cached for its last 10 s',
    )
    identity.clock.advance(10)
    assert.equal(
      (await call(g.url, { 'X-Auth-Token': shortLived })).status,
      503,
      'the entry ended with the token, so identity must be asked again',
    )
  } finally {
    await g.close()
  }
})

test('the TTL is token_cache_time when the token lives longer', async () => {
  const identity = await startTestIdentity()
  const g = await startGuarded({
    options: identity.authtokenOptions({ token_cache_time: 60 }),
    clock: identity.clock,
  })
  try {
    const token = await identity.token(identity.users.alice)
    assert.equal((await call(g.url, { 'X-Auth-Token': token })).status, 200)
    await identity.close()
    identity.clock.advance(30)
    assert.equal((await call(g.url, { 'X-Auth-Token': token })).status, 200)
    identity.clock.advance(31)
    assert.equal((await call(g.url, { 'X-Auth-Token': token })).status, 503)
  } finally {
    await g.close()
  }
})

test('token_cache_time = -1 disables caching', async () => {
  const identity = await startTestIdentity()
  const g = await startGuarded({
    options: identity.authtokenOptions({ token_cache_time: -1 }),
    clock: identity.clock,
  })
  try {
    const token = await identity.token(identity.users.alice)
    assert.equal((await call(g.url, { 'X-Auth-Token': token })).status, 200)
    await identity.close()
    assert.equal((await call(g.url, { 'X-Auth-Token': token })).status, 503)
  } finally {
    await g.close()
  }
})
