/**
 * A cache server that dies, hangs or refuses us is a miss, never an error or a hang: against real
 * memcached and Redis processes that are stopped, paused (SIGSTOP) or never started, gets miss and
 * sets resolve, many calls together cost less than one socket timeout, warnings are throttled and
 * hold no token or password, and the cache works again once the server is back.
 * @module
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import {
  type CacheBackend,
  createMemcachedBackend,
  createRedisBackend,
  TokenCache,
} from '../../../packages/middleware/src/cache/index.ts'
import {
  freePort,
  MEMCACHED_MISSING,
  REDIS_MISSING,
  type ServerHandle,
  startMemcached,
  startRedis,
} from '../../support/servers.ts'

const TIMEOUT_MS = 1000
const BODY = { token: { user: { id: 'u1', name: 'alice' }, expires_at: '2030-01-01T00:00:00Z' } }

type Kind = {
  readonly name: string
  readonly missing: string
  start(): Promise<ServerHandle | null>
  backend(server: ServerHandle, timeoutMs: number): CacheBackend
  /** How long after the server is back the backend tries it again. */
  readonly recoverWithinMs: number
}

const kinds: readonly Kind[] = [
  {
    name: 'memcached',
    missing: MEMCACHED_MISSING,
    start: startMemcached,
    backend: (s, timeoutMs) =>
      createMemcachedBackend({
        servers: [`127.0.0.1:${s.port}`],
        socketTimeoutMs: timeoutMs,
        deadRetrySeconds: 1,
      }),
    recoverWithinMs: 3000,
  },
  {
    name: 'redis',
    missing: REDIS_MISSING,
    start: () => startRedis(),
    backend: (s, timeoutMs) =>
      createRedisBackend({
        url: `redis://127.0.0.1:${s.port}`,
        socketTimeoutMs: timeoutMs,
        deadRetrySeconds: 1,
      }),
    recoverWithinMs: 5000,
  },
]

function harness(backend: CacheBackend) {
  const logs: string[] = []
  const cache = new TokenCache({
    backend,
    securityStrategy: 'ENCRYPT',
    secretKey: 'down-test-secret',
    logger: { warn: (m) => void logs.push(m) },
  })
  return { cache, logs }
}

const token = () => `gAAAAAB${randomBytes(60).toString('base64url')}`

/** Runs `rounds` get+set pairs and returns the elapsed milliseconds. */
async function burst(cache: TokenCache, rounds: number): Promise<number> {
  const started = performance.now()
  for (let i = 0; i < rounds; i += 1) {
    const tok = token()
    assert.equal(await cache.get(tok, 'strict'), undefined)
    await cache.set(tok, 'strict', BODY, 60) // resolves, never throws
  }
  return performance.now() - started
}

async function eventuallyHit(cache: TokenCache, withinMs: number): Promise<boolean> {
  const deadline = performance.now() + withinMs
  const tok = token()
  while (performance.now() < deadline) {
    await cache.set(tok, 'strict', BODY, 60)
    if ((await cache.get(tok, 'strict')) !== undefined) return true
    await sleep(100)
  }
  return false
}

for (const kind of kinds) {
  test(`${kind.name} stopped: misses at once, warns once, recovers after a restart`, async (t) => {
    const server = await kind.start()
    if (server === null) return t.skip(kind.missing)
    const { cache, logs } = harness(kind.backend(server, TIMEOUT_MS))
    try {
      const tok = token()
      await cache.set(tok, 'strict', BODY, 60)
      assert.deepEqual(await cache.get(tok, 'strict'), BODY, 'works while up')
      await server.stop()

      assert.equal(await cache.get(tok, 'strict'), undefined, 'a dead server is a miss')
      const elapsed = await burst(cache, 25)
      assert.ok(
        elapsed < TIMEOUT_MS,
        `50 calls took ${elapsed.toFixed(0)} ms, not one timeout each`,
      )
      assert.equal(logs.length, 1, `throttled to one warning: ${logs.join(' | ')}`)
      assert.match(logs[0] ?? '', new RegExp(`token cache \\(${kind.name}\\) .* treated as a miss`))
      assert.ok(!logs[0]?.includes(tok))

      await server.restart()
      assert.ok(
        await eventuallyHit(cache, kind.recoverWithinMs),
        'caches again once the server is back',
      )
    } finally {
      await cache.close()
      await server.stop()
    }
  })

  test(`${kind.name} hung (SIGSTOP): one call waits a socket timeout, later calls do not`, async (t) => {
    const server = await kind.start()
    if (server === null) return t.skip(kind.missing)
    const timeoutMs = 500
    const { cache, logs } = harness(kind.backend(server, timeoutMs))
    try {
      const tok = token()
      await cache.set(tok, 'strict', BODY, 60)
      assert.deepEqual(await cache.get(tok, 'strict'), BODY)
      await server.pause()
      const started = performance.now()
      assert.equal(await cache.get(tok, 'strict'), undefined, 'a hung server is a miss')
      const first = performance.now() - started
      assert.ok(
        first >= timeoutMs - 50 && first < timeoutMs + 400,
        `first call took ${first.toFixed(0)} ms`,
      )
      const rest = await burst(cache, 25)
      assert.ok(rest < timeoutMs, `then 50 calls took ${rest.toFixed(0)} ms: the server is skipped`)
      assert.ok(logs.length >= 1 && logs.length <= 2, logs.join(' | '))
    } finally {
      server.resume()
      await cache.close()
      await server.stop()
    }
  })

  test(`${kind.name} never reachable: a miss within the timeout and no crash`, async () => {
    const port = await freePort() // nothing listens here
    const backend =
      kind.name === 'redis'
        ? createRedisBackend({ url: `redis://127.0.0.1:${port}`, socketTimeoutMs: TIMEOUT_MS })
        : createMemcachedBackend({ servers: [`127.0.0.1:${port}`], socketTimeoutMs: TIMEOUT_MS })
    const { cache, logs } = harness(backend)
    try {
      const elapsed = await burst(cache, 10)
      assert.ok(elapsed < TIMEOUT_MS + 500, `${elapsed.toFixed(0)} ms`)
      assert.equal(logs.length, 1)
      assert.match(logs[0] ?? '', /ECONNREFUSED|skipped|writeable|No servers/)
    } finally {
      await cache.close()
    }
  })
}

test('redis with a password: the URL authenticates, a wrong one is a miss and is never logged', async (t) => {
  const password = 'p@ss:w0rd/with#chars'
  const server = await startRedis({ password })
  if (server === null) return t.skip(REDIS_MISSING)
  const good = harness(createRedisBackend({ url: server.url, socketTimeoutMs: TIMEOUT_MS }))
  const badUrl = `redis://:${encodeURIComponent('not-the-password')}@127.0.0.1:${server.port}`
  const bad = harness(createRedisBackend({ url: badUrl, socketTimeoutMs: TIMEOUT_MS }))
  try {
    const tok = token()
    await good.cache.set(tok, 'strict', BODY, 60)
    assert.deepEqual(await good.cache.get(tok, 'strict'), BODY)
    assert.equal(await bad.cache.get(tok, 'strict'), undefined)
    await bad.cache.set(tok, 'allow_expired', BODY, 60)
    assert.equal(
      await good.cache.get(tok, 'allow_expired'),
      undefined,
      'the rejected write did not land',
    )
    assert.equal(bad.logs.length, 1)
    for (const line of [...good.logs, ...bad.logs]) {
      assert.ok(
        !line.includes('not-the-password') && !line.includes(password) && !line.includes(tok),
        line,
      )
    }
  } finally {
    await good.cache.close()
    await bad.cache.close()
    await server.stop()
  }
})
