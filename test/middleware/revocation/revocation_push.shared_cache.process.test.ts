/**
 * revocation_push with a shared cache, real servers on loopback. memcached: a service process that
 * never validated a token finds it in memcached after it was revoked and must refuse it (entries
 * are judged against the events heard, so no key listing is needed). Redis: identity publishes each
 * event on the channel (`[revoke] redis_url`), and a middleware whose HTTP subscription identity's
 * policy refuses still drops the cached validation, from Redis pub/sub alone.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { Redis } from 'ioredis'
import { startTestIdentity } from '../../support/identity_server.ts'
import {
  MEMCACHED_MISSING,
  REDIS_MISSING,
  startMemcached,
  startRedis,
} from '../../support/servers.ts'
import { call, type Guarded, startGuarded } from '../support.ts'

async function until(g: Guarded, token: string, status: number): Promise<number> {
  let last = 0
  for (const deadline = Date.now() + 15_000; Date.now() < deadline; await sleep(50)) {
    last = (await call(g.url, { 'X-Auth-Token': token })).status
    if (last === status) return last
  }
  return last
}

async function connected(g: Guarded): Promise<void> {
  for (const deadline = Date.now() + 15_000; Date.now() < deadline; await sleep(25)) {
    if (g.auth.revocationPush?.connected === true) return
  }
  assert.fail('the subscription never came up')
}

test('memcached: a revoked token found in the shared cache by another process is refused', async (t) => {
  const memcached = await startMemcached()
  if (memcached === null) return t.skip(MEMCACHED_MISSING)
  const identity = await startTestIdentity()
  const options = identity.authtokenOptions({
    token_cache_time: 300,
    memcached_servers: memcached.servers.join(','),
  })
  const first = await startGuarded({ options, clock: identity.clock })
  const second = await startGuarded({ options, clock: identity.clock })
  try {
    const token = await identity.token(identity.users.alice)
    assert.equal((await call(first.url, { 'X-Auth-Token': token })).status, 200)
    // the second process starts its subscription on its first lookup
    assert.equal((await call(second.url, { 'X-Auth-Token': 'garbage' })).status, 401)
    await connected(second)
    await identity.revoke(token)
    // the second process reads the token from memcached for the first time only now
    assert.equal(await until(second, token, 401), 401)
    assert.equal(await until(first, token, 401), 401)
  } finally {
    await first.close()
    await second.close()
    await identity.close()
    await memcached.stop()
  }
})

test('redis: identity publishes events; the middleware drops a cached token from pub/sub alone', async (t) => {
  const redis = await startRedis()
  if (redis === null) return t.skip(REDIS_MISSING)
  // the middleware's user may not read the HTTP feed: only Redis can tell it
  const dir = mkdtempSync(join(tmpdir(), 'baton-revocation-redis-'))
  const policy = join(dir, 'policy.json')
  writeFileSync(policy, JSON.stringify({ 'identity:list_revoke_events': 'role:admin' }))
  const identity = await startTestIdentity({
    extraConfig: [
      '[revoke]',
      `redis_url = ${redis.url}`,
      'redis_channel = test-revocations',
      '[oslo_policy]',
      `policy_file = ${policy}`,
    ],
  })
  const listener = new Redis(redis.url)
  const messages: string[] = []
  listener.on('message', (_channel: string, message: string) => messages.push(message))
  await listener.subscribe('test-revocations')
  const warnings: string[] = []
  const g = await startGuarded({
    options: identity.authtokenOptions({
      token_cache_time: 300,
      redis_url: redis.url,
      revocation_redis_channel: 'test-revocations',
    }),
    clock: identity.clock,
    logger: { warn: (m: string) => warnings.push(m), info: () => {} },
  })
  try {
    const token = await identity.token(identity.users.alice)
    assert.equal((await call(g.url, { 'X-Auth-Token': token })).status, 200)
    for (const deadline = Date.now() + 10_000; warnings.length === 0; await sleep(25)) {
      assert.ok(Date.now() < deadline, 'the refused HTTP subscription is logged')
    }
    assert.match(warnings[0] ?? '', /revocation events: identity answered 403/)
    // the middleware has subscribed too (the listener is the other subscriber)
    const probe = new Redis(redis.url)
    try {
      for (const deadline = Date.now() + 10_000; ; await sleep(25)) {
        const [, count] = (await probe.pubsub('NUMSUB', 'test-revocations')) as [string, number]
        if (count >= 2) break
        assert.ok(Date.now() < deadline, 'the middleware subscribes on Redis')
      }
    } finally {
      probe.disconnect()
    }
    await identity.revoke(token)
    assert.equal(await until(g, token, 401), 401)
    const published = messages.map((m) => JSON.parse(m) as { events: { audit_id?: string }[] })
    assert.ok(published.some((m) => m.events.some((e) => typeof e.audit_id === 'string')))
  } finally {
    listener.disconnect()
    await g.close()
    await identity.close()
    await redis.stop()
  }
})
