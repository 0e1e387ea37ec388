/**
 * Baton's cache keys and MAC/ENCRYPT envelope are keystonemiddleware's own: checked against the
 * Python `keystonemiddleware.auth_token` (`_cache`, `_memcache_crypt`) run through Debian's python3.
 * Values Baton protects pass KSM's `unprotect_data` and vice versa, the keys are identical, and a
 * real memcached is shared both ways between KSM's TokenCache and Baton's.
 * @module
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { test } from 'node:test'
import {
  type CacheBackend,
  createMemcachedBackend,
  createMemoryBackend,
  type SecurityStrategy,
  TokenCache,
} from '../../../packages/middleware/src/cache/index.ts'
import { MEMCACHED_MISSING, startMemcached } from '../../support/servers.ts'

const PYTHON = '/usr/bin/python3'
const KSM_MISSING =
  'keystonemiddleware not importable by /usr/bin/python3: apt-get install python3-keystonemiddleware'

/** Reads a JSON list of operations on stdin, answers a JSON list of results. */
const SCRIPT = `
import json, logging, sys
from keystonemiddleware.auth_token import _cache, _memcache_crypt as mc

def cache(op):
    kwargs = dict(cache_time=60, memcached_servers=op.get('servers'), use_advanced_pool=False)
    if op['strategy'] == 'None':
        c = _cache.TokenCache(logging.getLogger('ksm'), **kwargs)
    else:
        c = _cache.SecureTokenCache(logging.getLogger('ksm'), op['strategy'], op['secret'], **kwargs)
    c.initialize({})
    return c

def run(op):
    kind = op['op']
    if kind == 'key':
        return cache(op)._get_cache_key(op['token'])[0]
    keys = mc.derive_keys(op['token'], op.get('secret', ''), op['strategy'])
    if kind == 'protect':
        return mc.protect_data(keys, op['data'].encode('utf-8')).decode('ascii')
    if kind == 'unprotect':
        try:
            return mc.unprotect_data(keys, op['value'].encode('ascii')).decode('utf-8')
        except Exception as e:
            return {'error': type(e).__name__}
    if kind == 'set':
        return cache(op).set(op['token'], op['data'])
    if kind == 'get':
        return cache(op).get(op['token'])
    raise ValueError(kind)

print(json.dumps([run(op) for op in json.load(sys.stdin)]))
`

function importable(code: string): boolean {
  return spawnSync(PYTHON, ['-c', code]).status === 0
}

function ksm(ops: readonly Record<string, unknown>[]): unknown[] {
  const run = spawnSync(PYTHON, ['-c', SCRIPT], { input: JSON.stringify(ops), encoding: 'utf8' })
  assert.equal(run.status, 0, run.stderr)
  return JSON.parse(run.stdout) as unknown[]
}

type Write = { key: string; value: string }

function recording(backend: CacheBackend): CacheBackend & { writes: Write[] } {
  const writes: Write[] = []
  return {
    name: backend.name,
    writes,
    get: (key) => backend.get(key),
    set: (key, value, ttl) => {
      writes.push({ key, value })
      return backend.set(key, value, ttl)
    },
    close: () => backend.close(),
  }
}

// Non-ASCII in the secret and the body checks the UTF-8 handling on both sides.
const SECRET = 'sécret-partagé'
const PROTECTED: readonly ('MAC' | 'ENCRYPT')[] = ['MAC', 'ENCRYPT']
const STRATEGIES: readonly SecurityStrategy[] = ['None', ...PROTECTED]
const token = () => `gAAAAAB${randomBytes(120).toString('base64url')}`
const body = (name: string) => ({
  token: { user: { id: randomBytes(8).toString('hex'), name }, note: 'żółw' },
})
const batonCache = (backend: CacheBackend, strategy: SecurityStrategy) =>
  new TokenCache({
    backend,
    securityStrategy: strategy,
    ...(strategy === 'None' ? {} : { secretKey: SECRET }),
  })

const skip = importable('from keystonemiddleware.auth_token import _cache, _memcache_crypt')
  ? false
  : KSM_MISSING

test('keys: Baton strict keys equal keystonemiddleware keys for None, MAC and ENCRYPT', {
  skip,
}, async () => {
  const cases = STRATEGIES.map((strategy) => ({ strategy, token: token() }))
  const keys = ksm(cases.map((c) => ({ op: 'key', secret: SECRET, ...c })))
  for (const [i, c] of cases.entries()) {
    const backend = recording(createMemoryBackend())
    await batonCache(backend, c.strategy).set(c.token, 'strict', body('k'), 60)
    await batonCache(backend, c.strategy).set(c.token, 'allow_expired', body('k'), 60)
    assert.equal(backend.writes[0]?.key, keys[i], c.strategy)
    assert.equal(backend.writes[1]?.key, `${keys[i]}/allow_expired`)
  }
  // Python 3 renders the base64 bytes with %s, so KSM's secured keys read tokens/b'...'.
  assert.match(String(keys[1]), /^tokens\/b'[A-Za-z0-9+/]{22}=='$/)
  assert.match(String(keys[0]), /^tokens\/[0-9a-f]{64}$/)
})

test('Baton-protected values pass KSM unprotect_data; tampered ones do not', { skip }, async () => {
  const cases = PROTECTED.map((strategy) => ({ strategy, token: token(), data: body(strategy) }))
  const writes: Write[] = []
  for (const c of cases) {
    const backend = recording(createMemoryBackend())
    await batonCache(backend, c.strategy).set(c.token, 'strict', c.data, 60)
    const w = backend.writes[0]
    assert.ok(w !== undefined)
    writes.push(w)
  }
  const ops = cases.flatMap((c, i) => {
    const value = writes[i]?.value ?? ''
    const flipped = value.slice(0, 80) + (value[80] === 'A' ? 'B' : 'A') + value.slice(81)
    const base = { op: 'unprotect', token: c.token, secret: SECRET, strategy: c.strategy }
    return [
      { ...base, value },
      { ...base, value: flipped },
      { ...base, value, secret: 'wrong' },
    ]
  })
  const results = ksm(ops)
  for (const [i, c] of cases.entries()) {
    assert.deepEqual(
      JSON.parse(String(results[3 * i])),
      c.data,
      `${c.strategy}: KSM reads Baton's value`,
    )
    assert.deepEqual(results[3 * i + 1], { error: 'InvalidMacError' }, `${c.strategy}: tamper`)
    assert.deepEqual(
      results[3 * i + 2],
      { error: 'InvalidMacError' },
      `${c.strategy}: wrong secret`,
    )
  }
})

test('KSM-protected values are read by Baton under KSM keys', { skip }, async () => {
  const cases = PROTECTED.map((strategy) => ({
    strategy,
    token: token(),
    data: body(`ksm-${strategy}`),
  }))
  const results = ksm(
    cases.flatMap((c) => [
      { op: 'key', token: c.token, secret: SECRET, strategy: c.strategy },
      {
        op: 'protect',
        token: c.token,
        secret: SECRET,
        strategy: c.strategy,
        data: JSON.stringify(c.data),
      },
    ]),
  )
  for (const [i, c] of cases.entries()) {
    const backend = createMemoryBackend()
    const [key, value] = [String(results[2 * i]), String(results[2 * i + 1])]
    await backend.set(key, value, 60)
    assert.deepEqual(
      await batonCache(backend, c.strategy).get(c.token, 'strict'),
      c.data,
      c.strategy,
    )
    assert.equal(await batonCache(backend, c.strategy).get(c.token, 'allow_expired'), undefined)
    const other = new TokenCache({ backend, securityStrategy: c.strategy, secretKey: 'wrong' })
    assert.equal(await other.get(c.token, 'strict'), undefined)
  }
})

test('a real memcached is shared both ways with KSM TokenCache / SecureTokenCache', {
  skip,
}, async (t) => {
  if (!importable('import memcache'))
    return t.skip('python-memcached missing: apt-get install python3-memcache')
  const server = await startMemcached()
  if (server === null) return t.skip(MEMCACHED_MISSING)
  const backend = createMemcachedBackend({ servers: server.servers, socketTimeoutMs: 2000 })
  try {
    const fromKsm = STRATEGIES.map((strategy) => ({
      strategy,
      token: token(),
      data: body(`py-${strategy}`),
    }))
    const fromBaton = STRATEGIES.map((strategy) => ({
      strategy,
      token: token(),
      data: body(`ts-${strategy}`),
    }))
    const common = { servers: server.servers, secret: SECRET }
    ksm(fromKsm.map((c) => ({ op: 'set', ...common, ...c })))
    for (const c of fromKsm) {
      assert.deepEqual(
        await batonCache(backend, c.strategy).get(c.token, 'strict'),
        c.data,
        `KSM→Baton ${c.strategy}`,
      )
    }
    for (const c of fromBaton)
      await batonCache(backend, c.strategy).set(c.token, 'strict', c.data, 60)
    const read = ksm(
      fromBaton.map((c) => ({ op: 'get', ...common, strategy: c.strategy, token: c.token })),
    )
    for (const [i, c] of fromBaton.entries())
      assert.deepEqual(read[i], c.data, `Baton→KSM ${c.strategy}`)
  } finally {
    await backend.close()
    await server.stop()
  }
})
