/**
 * One behaviour suite for the token cache over each backend: memory (injected clock), a real
 * memcached and a real Redis. Miss, hit under None/MAC/ENCRYPT, TTL expiry, strict vs allow_expired,
 * tampered entries, wrong secrets, and the raw token absent from keys, values and log lines.
 * @module
 */
import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import {
  type CacheBackend,
  createMemcachedBackend,
  createMemoryBackend,
  createRedisBackend,
  type SecurityStrategy,
  TokenCache,
} from '../../../packages/middleware/src/cache/index.ts'
import {
  MEMCACHED_MISSING,
  REDIS_MISSING,
  type ServerHandle,
  startMemcached,
  startRedis,
} from '../../support/servers.ts'

type Harness = {
  readonly backend: CacheBackend
  /** TTL used by the expiry test, and how to let it pass (clock or real wait). */
  readonly ttl: number
  stillFresh(): Promise<void>
  expire(): Promise<void>
  close(): Promise<void>
}

type Write = { key: string; value: string; ttl: number }

/** The real backend, with every write it is asked to make remembered for inspection. */
function recording(backend: CacheBackend): CacheBackend & { writes: Write[] } {
  const writes: Write[] = []
  return {
    name: backend.name,
    writes,
    get: (key) => backend.get(key),
    set: async (key, value, ttl) => {
      writes.push({ key, value, ttl })
      await backend.set(key, value, ttl)
    },
    close: () => backend.close(),
  }
}

const SECRET = 'cache-secret-for-tests'
const STRATEGIES: readonly SecurityStrategy[] = ['None', 'MAC', 'ENCRYPT']

function freshToken(): string {
  return `gAAAAAB${randomBytes(90).toString('base64url')}`
}

function tokenBody(name: string) {
  return {
    token: {
      methods: ['password'],
      user: {
        id: randomBytes(16).toString('hex'),
        name,
        domain: { id: 'default', name: 'Default' },
      },
      audit_ids: [randomBytes(16).toString('base64url')],
      expires_at: '2030-01-01T01:00:00.000000Z',
      roles: [{ id: 'r1', name: 'member' }],
      note: 'non-ASCII survives: żółw 🐢',
    },
  }
}

function suite(kind: string, start: () => Promise<Harness | null>, missing: string): void {
  describe(`token cache over ${kind}`, () => {
    let h: Harness | null = null
    const logs: string[] = []
    const tokensSeen: string[] = []
    const logger = { warn: (m: string) => void logs.push(m) }
    const cacheFor = (strategy: SecurityStrategy, backend?: CacheBackend, secret = SECRET) =>
      new TokenCache({
        backend: backend ?? (h as Harness).backend,
        securityStrategy: strategy,
        ...(strategy === 'None' ? {} : { secretKey: secret }),
        logger,
      })
    const token = () => {
      const t = freshToken()
      tokensSeen.push(t)
      return t
    }

    before(async () => {
      h = await start()
    })
    after(async () => {
      for (const line of logs) {
        for (const t of tokensSeen)
          assert.ok(!line.includes(t), `a log line holds a token: ${line}`)
      }
      await h?.close()
    })

    test('miss: nothing stored under any strategy or mode', async (t) => {
      if (h === null) return t.skip(missing)
      for (const strategy of STRATEGIES) {
        const cache = cacheFor(strategy)
        assert.equal(await cache.get(token(), 'strict'), undefined)
        assert.equal(await cache.get(token(), 'allow_expired'), undefined)
      }
    })

    test('hit: bodies round-trip under None, MAC and ENCRYPT', async (t) => {
      if (h === null) return t.skip(missing)
      for (const strategy of STRATEGIES) {
        const cache = cacheFor(strategy)
        const tok = token()
        const body = tokenBody(`user-${strategy}`)
        await cache.set(tok, 'strict', body, 60)
        assert.deepEqual(await cache.get(tok, 'strict'), body, strategy)
        assert.equal(await cache.get(token(), 'strict'), undefined, 'another token misses')
      }
    })

    test('TTL: an entry lives for its TTL, then misses; TTL ≤ 0 stores nothing', async (t) => {
      if (h === null) return t.skip(missing)
      const harness = h
      const cache = cacheFor('MAC')
      const tok = token()
      await cache.set(tok, 'strict', tokenBody('ttl'), harness.ttl)
      await harness.stillFresh()
      assert.ok((await cache.get(tok, 'strict')) !== undefined, 'fresh before the TTL')
      await harness.expire()
      assert.equal(await cache.get(tok, 'strict'), undefined, 'gone after the TTL')
      const never = token()
      await cache.set(never, 'strict', tokenBody('zero'), 0)
      await cache.set(never, 'allow_expired', tokenBody('negative'), -1)
      assert.equal(await cache.get(never, 'strict'), undefined)
      assert.equal(await cache.get(never, 'allow_expired'), undefined)
    })

    test('modes: strict and allow_expired never share an entry', async (t) => {
      if (h === null) return t.skip(missing)
      for (const strategy of STRATEGIES) {
        const backend = recording((h as Harness).backend)
        const cache = cacheFor(strategy, backend)
        const tok = token()
        const strict = tokenBody('strict')
        await cache.set(tok, 'strict', strict, 60)
        assert.equal(
          await cache.get(tok, 'allow_expired'),
          undefined,
          `${strategy}: strict ≠ allow_expired`,
        )
        const expired = tokenBody('expired')
        await cache.set(tok, 'allow_expired', expired, 60)
        assert.deepEqual(await cache.get(tok, 'strict'), strict)
        assert.deepEqual(await cache.get(tok, 'allow_expired'), expired)
        const [a, b] = backend.writes
        assert.ok(a !== undefined && b !== undefined)
        assert.equal(b.key, `${a.key}/allow_expired`)
      }
    })

    test('tampered values are misses, logged without the token', async (t) => {
      if (h === null) return t.skip(missing)
      for (const strategy of ['MAC', 'ENCRYPT'] as const) {
        const backend = recording((h as Harness).backend)
        const cache = cacheFor(strategy, backend)
        const tok = token()
        const body = tokenBody('victim')
        await cache.set(tok, 'strict', body, 60)
        const other = token()
        await cache.set(other, 'strict', tokenBody('attacker'), 60)
        const [victim, attacker] = backend.writes
        assert.ok(victim !== undefined && attacker !== undefined)
        const v = victim.value
        const flip = (s: string, i: number) =>
          s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1)
        const tampered = [
          flip(v, 3), // in the MAC
          flip(v, 70), // in the data
          flip(v, v.length - 6), // near the end of the data
          v.slice(0, -4), // truncated
          `${v}AAAA`, // extended
          v.slice(0, 64), // MAC only
          'garbage',
          JSON.stringify(tokenBody('forged')), // a plain value where a protected one belongs
          attacker.value, // a valid envelope for another token, moved to this key
        ]
        const before = logs.length
        for (const value of tampered) {
          await backend.set(victim.key, value, 60)
          assert.equal(
            await cache.get(tok, 'strict'),
            undefined,
            `${strategy}: ${value.slice(0, 20)}`,
          )
        }
        assert.ok(logs.length > before, 'the first failure is logged')
        await backend.set(victim.key, v, 60)
        assert.deepEqual(await cache.get(tok, 'strict'), body, 'the untouched value still reads')
      }
    })

    test('a wrong secret or another strategy never reads an entry', async (t) => {
      if (h === null) return t.skip(missing)
      const backend = recording((h as Harness).backend)
      const mac = cacheFor('MAC', backend)
      const tok = token()
      await mac.set(tok, 'strict', tokenBody('secret'), 60)
      const wrong = cacheFor('MAC', backend, 'another-secret')
      assert.equal(await wrong.get(tok, 'strict'), undefined, 'other secret, other key')
      assert.equal(await cacheFor('ENCRYPT', backend).get(tok, 'strict'), undefined)
      assert.equal(await cacheFor('None', backend).get(tok, 'strict'), undefined)
      // Even with the entry copied under the wrong secret's key, its MAC does not verify.
      await wrong.set(tok, 'strict', tokenBody('placeholder'), 60)
      const [original, wrongs] = backend.writes
      assert.ok(original !== undefined && wrongs !== undefined && original.key !== wrongs.key)
      await backend.set(wrongs.key, original.value, 60)
      assert.equal(await wrong.get(tok, 'strict'), undefined)
    })

    test('the raw token is in no key and no stored value', async (t) => {
      if (h === null) return t.skip(missing)
      for (const strategy of STRATEGIES) {
        const backend = recording((h as Harness).backend)
        const cache = cacheFor(strategy, backend)
        const tok = token()
        const body = tokenBody('private')
        await cache.set(tok, 'strict', body, 60)
        await cache.set(tok, 'allow_expired', body, 60)
        assert.equal(backend.writes.length, 2)
        for (const w of backend.writes) {
          const stored = await (h as Harness).backend.get(w.key)
          assert.equal(stored, w.value, 'read straight from the backend')
          for (const text of [w.key, stored ?? '']) {
            assert.ok(!text.includes(tok), `${strategy}: token in ${text.slice(0, 40)}`)
            assert.ok(!text.includes(tok.slice(10, 40)), `${strategy}: part of the token stored`)
          }
          // memcached: at most 250 bytes, printable ASCII without spaces.
          assert.ok(w.key.length <= 250 && /^[!-~]+$/.test(w.key), `memcached-safe key ${w.key}`)
          if (strategy === 'ENCRYPT') assert.ok(!(stored ?? '').includes('private'), 'encrypted')
          const plainHash = createHash('sha256').update(tok).digest('hex')
          if (strategy !== 'None') assert.ok(!w.key.includes(plainHash), 'not even a plain hash')
        }
      }
    })
  })
}

function realServer<S extends ServerHandle>(
  server: S | null,
  backend: (handle: S) => CacheBackend,
  ttl: number,
): Harness | null {
  if (server === null) return null
  const b = backend(server)
  return {
    backend: b,
    ttl,
    stillFresh: async () => {},
    expire: () => sleep(ttl * 1000 + 1100),
    close: async () => {
      await b.close()
      await server.stop()
    },
  }
}

suite(
  'memory',
  async () => {
    let now = Date.UTC(2030, 0, 1)
    const clock = { now: () => now }
    const ttl = 5
    return {
      backend: createMemoryBackend({ clock }),
      ttl,
      stillFresh: async () => {
        now += ttl * 1000 - 1
      },
      expire: async () => {
        now += 2
      },
      close: async () => {},
    }
  },
  'unreachable',
)

suite(
  'memcached',
  async () => {
    const server = await startMemcached()
    // memcached counts expiry in whole seconds of its own clock: a TTL of 2 is fresh for ≥ 1 s.
    return realServer(server, (m) => createMemcachedBackend({ servers: m.servers }), 2)
  },
  MEMCACHED_MISSING,
)

suite(
  'redis',
  async () => {
    const server = await startRedis()
    return realServer(server, (r) => createRedisBackend({ url: r.url }), 1)
  },
  REDIS_MISSING,
)
