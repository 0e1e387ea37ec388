/**
 * The in-process layer in front of the token cache backend, on an injected clock: an entry never
 * outlives the token's expiry nor token_cache_time; strict and allow_expired entries stay apart;
 * what came from a shared backend is re-read from it after a second (so a deleted backend entry
 * stops counting there), while what a process validated itself lives its token_cache_time. A
 * cached request is decided synchronously, with exactly the headers of the first, async decision.
 */
import assert from 'node:assert/strict'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { test } from 'node:test'
import { type AuthPluginValues, authFromOptions, Session } from '@baton/client'
import { LocalTokenCache } from '../../packages/middleware/src/cache/local_cache.ts'
import {
  type CacheBackend,
  createMemoryBackend,
  IdentityUnavailable,
  TokenCache,
} from '../../packages/middleware/src/index.ts'
import { TokenFetcher } from '../../packages/middleware/src/token_fetcher.ts'
import { EXPIRATION, startTestIdentity, testClock } from '../support/identity_server.ts'
import { call, echoHandler, startGuarded } from './support.ts'

test('local entries end at their deadline, per mode, least recently used first', () => {
  const clock = testClock()
  const local = new LocalTokenCache<{ n: number }>({ clock, maxEntries: 2 })
  local.set('t1', 'strict', { n: 1 }, clock.now() + 1000)
  assert.deepEqual(local.get('t1', 'strict'), { n: 1 })
  assert.equal(local.get('t1', 'allow_expired'), undefined, 'modes never share an entry')
  clock.advance(0.999)
  assert.deepEqual(local.get('t1', 'strict'), { n: 1 })
  clock.advance(0.001)
  assert.equal(local.get('t1', 'strict'), undefined, 'gone at its deadline')

  local.set('t2', 'allow_expired', { n: 2 }, clock.now())
  assert.equal(
    local.get('t2', 'allow_expired'),
    undefined,
    'a deadline already reached stores nothing',
  )

  const later = clock.now() + 60_000
  local.set('a', 'strict', { n: 1 }, later)
  local.set('b', 'strict', { n: 2 }, later)
  local.get('a', 'strict')
  local.set('c', 'strict', { n: 3 }, later)
  assert.equal(local.get('b', 'strict'), undefined, 'the least recently used went first')
  assert.ok(local.get('a', 'strict') !== undefined && local.get('c', 'strict') !== undefined)
})

/** A backend two "processes" share, from which an entry can be deleted by hand. */
function sharedBackend(): CacheBackend & { clear(): void } {
  const entries = new Map<string, string>()
  return {
    name: 'memory',
    get: async (key) => entries.get(key),
    set: async (key, value) => void entries.set(key, value),
    close: async () => {},
    clear: () => entries.clear(),
  }
}

type Identity = Awaited<ReturnType<typeof startTestIdentity>>

/** A TokenFetcher as createAuthToken builds it, over the given backend. */
function fetcherFor(identity: Identity, backend: CacheBackend, cacheTime: number): TokenFetcher {
  const values = identity.authtokenOptions() as AuthPluginValues
  const auth = authFromOptions(values, 'keystone_authtoken')
  if (auth === null) throw new Error('no auth plugin')
  return new TokenFetcher({
    session: new Session({ auth, clock: identity.clock }),
    identity: { serviceType: 'identity', interface: 'public' },
    includeServiceCatalog: true,
    cache: new TokenCache({ backend }),
    cacheTime,
    clock: identity.clock,
  })
}

const unavailable = (e: unknown) => e instanceof IdentityUnavailable

test('never past token_cache_time, never past the token expiry; modes apart', async () => {
  const identity = await startTestIdentity()
  const shortCache = fetcherFor(identity, createMemoryBackend({ clock: identity.clock }), 60)
  const longCache = fetcherFor(identity, createMemoryBackend({ clock: identity.clock }), 3600)
  const token = await identity.token(identity.users.alice)
  const other = await identity.token(identity.users.alice)
  await shortCache.fetch(token, false)
  await longCache.fetch(token, false)
  await longCache.fetch(other, true)
  await identity.close()

  await longCache.fetch(token, false)
  await assert.rejects(longCache.fetch(token, true), unavailable, 'no allow_expired entry')
  await longCache.fetch(other, true)
  await assert.rejects(longCache.fetch(other, false), unavailable, 'no strict entry')

  identity.clock.advance(59.9)
  await shortCache.fetch(token, false)
  identity.clock.advance(0.101) // the memory backend's entry is stale just after its TTL
  await assert.rejects(shortCache.fetch(token, false), unavailable, 'token_cache_time is up')

  identity.clock.advance(EXPIRATION - 0.5 - 60.001) // token_cache_time 3600 would allow more
  await longCache.fetch(token, false)
  await longCache.fetch(other, true)
  identity.clock.advance(0.501)
  await assert.rejects(longCache.fetch(token, false), unavailable, 'the token has expired')
  await assert.rejects(longCache.fetch(other, true), unavailable, 'the token has expired')
})

test('a shared entry is re-read after a second; one validated here lasts its cache time', async () => {
  const identity = await startTestIdentity()
  const backend = sharedBackend()
  const validator = fetcherFor(identity, backend, 300)
  const reader = fetcherFor(identity, backend, 300)
  const token = await identity.token(identity.users.alice)
  const validated = await validator.fetch(token, false)
  await identity.close()

  const read = await reader.fetch(token, false)
  assert.equal(read.access.userId, validated.access.userId, 'found in the shared backend')
  backend.clear() // an operator flushes the cache
  identity.clock.advance(0.999)
  await reader.fetch(token, false)
  identity.clock.advance(0.001)
  await assert.rejects(reader.fetch(token, false), unavailable, 'the backend was read again')
  await validator.fetch(token, false)
  identity.clock.advance(298.9)
  await validator.fetch(token, false)
  identity.clock.advance(0.1)
  await assert.rejects(validator.fetch(token, false), unavailable)
})

/** Echoes the identity headers plus the raw header names, to see forged ones are gone from both. */
function rawEcho(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('X-Raw-Names', req.rawHeaders.filter((_, i) => i % 2 === 0).join(','))
  echoHandler(req, res)
}

test('a cached request is decided synchronously, with the headers of the first decision', async () => {
  const identity = await startTestIdentity()
  const g = await startGuarded(
    { options: identity.authtokenOptions(), clock: identity.clock },
    rawEcho,
  )
  try {
    const user = await identity.token(identity.users.alice)
    const service = await identity.token(identity.users.svc)
    const facts = { method: 'GET', path: '/servers' }
    for (const headers of [
      { 'x-auth-token': user },
      { 'x-auth-token': user, 'x-service-token': service },
    ]) {
      const first = g.auth.protocol.decide(headers, facts)
      assert.ok(first instanceof Promise, 'the first time, identity is asked')
      const a = await first
      const second = g.auth.protocol.decide(headers, facts)
      assert.ok(!(second instanceof Promise), 'then the in-process cache answers at once')
      assert.equal(a.action, 'pass')
      assert.equal(second.action, 'pass')
      if (a.action !== 'pass' || second.action !== 'pass') continue
      assert.deepEqual(Object.entries(second.identity.headers), Object.entries(a.identity.headers))
      assert.equal(second.identity.user?.userId, identity.users.alice.id)
      assert.equal(second.identity.acceptedExpiredUserToken, false)
    }
    const shared = g.auth.protocol.decide({ 'x-auth-token': user }, facts)
    assert.ok(!(shared instanceof Promise) && shared.action === 'pass')
    assert.ok(Object.isFrozen(shared.identity.headers), 'a set shared by requests is frozen')
    assert.ok(
      g.auth.protocol.decide({ 'x-auth-token': 'garbage' }, facts) instanceof Promise,
      'an invalid token is never cached',
    )

    // through HTTP: forged identity headers are stripped on the synchronous path too
    const forged = { 'X-Auth-Token': user, 'X-User-Id': 'evil', 'X-Service-Roles': 'service' }
    const res = await call(g.url, forged)
    assert.equal(res.identity?.['x-user-id'], identity.users.alice.id)
    assert.equal(res.identity?.['x-service-roles'], undefined)
    const raw = (res.headers.get('x-raw-names') ?? '').toLowerCase().split(',')
    assert.ok(!raw.includes('x-user-id') && !raw.includes('x-service-roles'), raw.join(','))
    assert.ok(raw.includes('x-auth-token'))
  } finally {
    await g.close()
    await identity.close()
  }
})
