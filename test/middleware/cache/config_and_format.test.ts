/**
 * The cache's settings and stored format: strategy parsing and the secret-key requirement, plain
 * keys (`tokens/` + SHA-256 hex) and JSON values, whole-second TTLs, backend choice from options,
 * memcached server strings, the memory LRU bound, and throttled warnings on the injected clock.
 * @module
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  type CacheBackend,
  CacheConfigError,
  cacheBackendFromOptions,
  createMemoryBackend,
  parseMemcachedServer,
  parseSecurityStrategy,
  TokenCache,
} from '../../../packages/middleware/src/cache/index.ts'
import { MiddlewareConfigError } from '../../../packages/middleware/src/errors.ts'
import { freePort } from '../../support/servers.ts'

type Write = { key: string; value: string; ttl: number }

function recording(backend: CacheBackend): CacheBackend & { writes: Write[] } {
  const writes: Write[] = []
  return {
    name: backend.name,
    writes,
    get: (key) => backend.get(key),
    set: (key, value, ttl) => {
      writes.push({ key, value, ttl })
      return backend.set(key, value, ttl)
    },
    close: () => backend.close(),
  }
}

test('memcache_security_strategy: None/MAC/ENCRYPT in any case, anything else is a config error', () => {
  assert.equal(parseSecurityStrategy(undefined), 'None')
  for (const [given, want] of [
    ['None', 'None'],
    ['none', 'None'],
    ['NONE', 'None'],
    ['mac', 'MAC'],
    ['Mac', 'MAC'],
    ['encrypt', 'ENCRYPT'],
    ['Encrypt', 'ENCRYPT'],
  ] as const) {
    assert.equal(parseSecurityStrategy(given), want, given)
  }
  for (const bad of ['', 'AES', 'hmac', ' MAC']) {
    assert.throws(
      () => parseSecurityStrategy(bad),
      (e: unknown) =>
        e instanceof CacheConfigError &&
        e instanceof MiddlewareConfigError &&
        e.code === 'BATON_MIDDLEWARE_CONFIG' &&
        /None, MAC, ENCRYPT/.test(e.message),
    )
  }
})

test('a strategy without a secret key is a config error; None ignores the key', () => {
  const backend = createMemoryBackend()
  for (const securityStrategy of ['MAC', 'ENCRYPT'] as const) {
    for (const secret of [{}, { secretKey: '' }]) {
      assert.throws(
        () => new TokenCache({ backend, securityStrategy, ...secret }),
        (e: unknown) =>
          e instanceof CacheConfigError && /memcache_secret_key must be defined/.test(e.message),
      )
    }
  }
  assert.doesNotThrow(() => new TokenCache({ backend }))
  assert.doesNotThrow(
    () => new TokenCache({ backend, securityStrategy: 'None', secretKey: 'unused' }),
  )
})

test('strategy None: key is tokens/ + SHA-256 hex, value is the JSON text of the body', async () => {
  const backend = recording(createMemoryBackend())
  const cache = new TokenCache({ backend })
  const body = { token: { user: { name: 'alice' }, expires_at: '2030-01-01T00:00:00Z' } }
  await cache.set('abc', 'strict', body, 60)
  await cache.set('abc', 'allow_expired', body, 60)
  // FIPS 180-2 test vector: SHA-256("abc").
  const hex = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
  assert.deepEqual(
    backend.writes.map((w) => w.key),
    [`tokens/${hex}`, `tokens/${hex}/allow_expired`],
  )
  assert.equal(backend.writes[0]?.value, JSON.stringify(body))
})

test('MAC values are deterministic, ENCRYPT values are not (random IV), both read back', async () => {
  for (const securityStrategy of ['MAC', 'ENCRYPT'] as const) {
    const backend = recording(createMemoryBackend())
    const cache = new TokenCache({ backend, securityStrategy, secretKey: 'k' })
    await cache.set('tok', 'strict', { n: 1 }, 60)
    await cache.set('tok', 'strict', { n: 1 }, 60)
    const [a, b] = backend.writes
    assert.ok(a !== undefined && b !== undefined && a.key === b.key)
    assert.equal(a.value === b.value, securityStrategy === 'MAC', securityStrategy)
    assert.match(
      a.value,
      /^[A-Za-z0-9+/]{64}[A-Za-z0-9+/]+=*$/,
      'base64(HMAC-SHA384) ‖ base64(data)',
    )
    assert.deepEqual(await cache.get('tok', 'strict'), { n: 1 })
  }
})

test('TTLs are whole seconds: below 1 (or NaN) stores nothing, fractions round down', async () => {
  const backend = recording(createMemoryBackend())
  const cache = new TokenCache({ backend })
  for (const ttl of [0, -1, 0.9, Number.NaN]) await cache.set('t', 'strict', { ttl }, ttl)
  assert.equal(backend.writes.length, 0)
  await cache.set('t', 'strict', { ok: true }, 1.7)
  assert.deepEqual(
    backend.writes.map((w) => w.ttl),
    [1],
  )
  await cache.set('', 'strict', { empty: true }, 60)
  assert.equal(backend.writes.length, 1, 'an empty token is never cached')
})

test('an unparsable or tampered entry is a miss; warnings are throttled per minute of the clock', async () => {
  let now = 0
  const clock = { now: () => now }
  const logs: string[] = []
  const backend = recording(createMemoryBackend({ clock }))
  const logger = { warn: (m: string) => void logs.push(m) }
  const plain = new TokenCache({ backend, logger, clock })
  await plain.set('t1', 'strict', { a: 1 }, 600)
  await backend.set(backend.writes[0]?.key ?? '', '{not json', 600)
  assert.equal(await plain.get('t1', 'strict'), undefined)
  assert.match(logs[0] ?? '', /not JSON; treated as a miss/)

  const mac = new TokenCache({ backend, securityStrategy: 'MAC', secretKey: 'k', logger, clock })
  await mac.set('t2', 'strict', { b: 2 }, 600)
  const key = backend.writes.at(-1)?.key ?? ''
  await backend.set(key, 'x'.repeat(100), 600)
  for (let i = 0; i < 5; i += 1) assert.equal(await mac.get('t2', 'strict'), undefined)
  assert.equal(logs.length, 2, 'one line for the first tampered read')
  assert.match(logs[1] ?? '', /failed to decrypt\/verify cache data/)
  now += 60_000
  assert.equal(await mac.get('t2', 'strict'), undefined)
  assert.equal(logs.length, 3)
  assert.match(logs[2] ?? '', /\(4 more since\)/)
  for (const line of logs) assert.ok(!/t1|t2/.test(line.replace(/token cache/g, '')))
})

test('the memory backend keeps at most maxEntries, dropping the least recently used', async () => {
  const backend = createMemoryBackend({ maxEntries: 2 })
  await backend.set('a', '1', 60)
  await backend.set('b', '2', 60)
  assert.equal(await backend.get('a'), '1') // a is now more recent than b
  await backend.set('c', '3', 60)
  assert.equal(await backend.get('b'), undefined)
  assert.equal(await backend.get('a'), '1')
  assert.equal(await backend.get('c'), '3')
})

test('backend choice: redis_url wins, then memcached_servers, else memory', async () => {
  const port = await freePort()
  const redis = cacheBackendFromOptions({
    memcachedServers: ['127.0.0.1:11211'],
    redisUrl: `redis://127.0.0.1:${port}`,
    socketTimeoutMs: 200,
  })
  const memcached = cacheBackendFromOptions({
    memcachedServers: ['127.0.0.1:11211'],
    redisUrl: undefined,
  })
  const memory = cacheBackendFromOptions({ memcachedServers: ['', '  '], redisUrl: '' })
  try {
    assert.deepEqual([redis.name, memcached.name, memory.name], ['redis', 'memcached', 'memory'])
  } finally {
    for (const b of [redis, memcached, memory]) await b.close()
  }
  const secretUrl = 'http://:hunter2@127.0.0.1:6379'
  assert.throws(
    () => cacheBackendFromOptions({ memcachedServers: [], redisUrl: secretUrl }),
    (e: unknown) => e instanceof CacheConfigError && !e.message.includes('hunter2'),
  )
})

test('memcached_servers entries: python-memcached forms parse, others are config errors', () => {
  assert.deepEqual(parseMemcachedServer('cache1:11212'), { host: 'cache1', port: 11212 })
  assert.deepEqual(parseMemcachedServer('cache1'), { host: 'cache1', port: 11211 })
  assert.deepEqual(parseMemcachedServer('inet:10.0.0.5:11213'), { host: '10.0.0.5', port: 11213 })
  assert.deepEqual(parseMemcachedServer('inet6:[::1]:11214'), { host: '::1', port: 11214 })
  assert.deepEqual(parseMemcachedServer('[fd00::2]'), { host: 'fd00::2', port: 11211 })
  for (const bad of ['host:0', 'host:99999', 'a b:1', 'host:port', '::1:11211']) {
    assert.throws(() => parseMemcachedServer(bad), CacheConfigError, bad)
  }
  assert.throws(
    () => parseMemcachedServer('user:hunter2@cache1:11211'),
    (e: unknown) => e instanceof CacheConfigError && !e.message.includes('hunter2'),
  )
})
