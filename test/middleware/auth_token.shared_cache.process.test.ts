/**
 * The middleware configured for a shared cache by keystonemiddleware's options: memcached
 * (`memcached_servers`) or Redis (`redis_url`), real servers on loopback, with the ENCRYPT envelope.
 * Two middleware instances (two processes of one service) share validations: what one validated,
 * the other accepts while identity is gone.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { startTestIdentity } from '../support/identity_server.ts'
import { MEMCACHED_MISSING, REDIS_MISSING, startMemcached, startRedis } from '../support/servers.ts'
import { call, startGuarded } from './support.ts'

async function sharedCacheStory(cacheOptions: Record<string, string>): Promise<void> {
  const identity = await startTestIdentity()
  const options = identity.authtokenOptions({
    ...cacheOptions,
    memcache_security_strategy: 'ENCRYPT',
    memcache_secret_key: 'shared-cache-secret',
  })
  const first = await startGuarded({ options, clock: identity.clock })
  const second = await startGuarded({ options, clock: identity.clock })
  try {
    const token = await identity.token(identity.users.alice)
    assert.equal((await call(first.url, { 'X-Auth-Token': token })).status, 200)
    // the second instance must log in to identity before it can validate anything else: warm it
    assert.equal((await call(second.url, { 'X-Auth-Token': 'garbage' })).status, 401)
    await identity.close()
    const res = await call(second.url, { 'X-Auth-Token': token })
    assert.equal(res.status, 200, 'validated by the other instance, found in the shared cache')
    assert.equal(res.identity?.['x-user-id'], identity.users.alice.id)
    const unknown = await identity.token(identity.users.alice).catch(() => 'not-issued')
    assert.equal((await call(second.url, { 'X-Auth-Token': unknown })).status, 503)
  } finally {
    await first.close()
    await second.close()
  }
}

test('memcached_servers: validations shared through a real memcached', async (t) => {
  const memcached = await startMemcached()
  if (memcached === null) return t.skip(MEMCACHED_MISSING)
  try {
    await sharedCacheStory({ memcached_servers: memcached.servers.join(',') })
  } finally {
    await memcached.stop()
  }
})

test('redis_url: validations shared through a real Redis', async (t) => {
  const redis = await startRedis()
  if (redis === null) return t.skip(REDIS_MISSING)
  try {
    await sharedCacheStory({ redis_url: redis.url })
  } finally {
    await redis.stop()
  }
})
