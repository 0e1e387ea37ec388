/**
 * The database key store on SQLite and PostgreSQL: setup, rotation (guard, fleet check, the
 * compare-and-set against a racing rotation), import, the KEK binding (a dump with another KEK
 * unwraps nothing; a wrapped key moved to another row does not unwrap), the node's generation
 * poll, heartbeats and the rotation lease.
 * @module
 */
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import {
  createKeyEncryptionKeyFile,
  FernetErrorCode,
  generateKey,
  keyFingerprint,
  readKeyEncryptionKey,
} from '../../../packages/fernet/src/index.ts'
import {
  acquireLease,
  DatabaseKeys,
  importKeySet,
  laggingNodes,
  readFleet,
  readKeySet,
  recordHeartbeat,
  rotateKeySet,
  setupKeySet,
} from '../../../packages/identity/src/fleet/index.ts'
import { EPOCH_MS, eachDialect } from '../store/store.fixtures.ts'

function kekFile(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'baton-kek-')), 'kek')
  assert.equal(createKeyEncryptionKeyFile(path), true)
  return path
}

const GUARD = { maxActiveKeys: 3, tokenExpiration: 3600, allowExpiredWindow: 0 }
const HOUR = 3_600_000

eachDialect('database key store', (env) => {
  test('setup stores 1 primary and 0 staged, wrapped; setup again overwrites nothing', async () => {
    const { database } = env()
    const kek = readKeyEncryptionKey(kekFile())
    const first = await setupKeySet(database.db, 'fernet_tokens', kek, EPOCH_MS)
    assert.equal(first.created, true)
    assert.deepEqual(
      first.keys.map((key) => key.number),
      [1, 0],
    )
    const again = await setupKeySet(database.db, 'fernet_tokens', kek, EPOCH_MS)
    assert.equal(again.created, false)
    assert.deepEqual(again.keys, first.keys)
    const rows = await database.db.selectFrom('fernet_key').selectAll().execute()
    const set = await readKeySet(database.db, 'fernet_tokens', kek)
    for (const row of rows) {
      // the key text never reaches the database
      for (const key of set?.keys ?? []) assert.ok(!row.wrapped.includes(key.key))
    }
    assert.equal(set?.keys[0]?.fingerprint, keyFingerprint(set?.keys[0]?.key ?? ''))
  })

  test('another KEK unwraps nothing: one error naming its file', async () => {
    const { database } = env()
    await setupKeySet(database.db, 'fernet_tokens', readKeyEncryptionKey(kekFile()), EPOCH_MS)
    const otherPath = kekFile()
    await assert.rejects(
      readKeySet(database.db, 'fernet_tokens', readKeyEncryptionKey(otherPath)),
      (error: Error & { code?: string }) =>
        error.code === FernetErrorCode.KeyEncryptionKey && error.message.includes(otherPath),
    )
  })

  test('a wrapped key copied to another row (number or role) does not unwrap', async () => {
    const { database } = env()
    const kek = readKeyEncryptionKey(kekFile())
    await setupKeySet(database.db, 'fernet_tokens', kek, EPOCH_MS)
    const staged = await database.db
      .selectFrom('fernet_key')
      .selectAll()
      .where('number', '=', 0)
      .executeTakeFirstOrThrow()
    await database.db
      .updateTable('fernet_key')
      .set({ wrapped: staged.wrapped, fingerprint: staged.fingerprint })
      .where('number', '=', 1)
      .execute()
    await assert.rejects(
      readKeySet(database.db, 'fernet_tokens', kek),
      (error: Error & { code?: string }) => error.code === FernetErrorCode.KeyEncryptionKey,
    )
  })

  test('rotation: Keystone numbering, the guard refuses a purge tokens still need', async () => {
    const { database } = env()
    const kek = readKeyEncryptionKey(kekFile())
    await setupKeySet(database.db, 'fernet_tokens', kek, EPOCH_MS)
    const options = { ...GUARD, repository: 'fernet_tokens' as const, kek }
    const first = await rotateKeySet(database.db, { ...options, now: EPOCH_MS + HOUR })
    assert.deepEqual(
      first.keys.map((key) => key.number),
      [2, 1, 0],
    )
    assert.equal(first.generation, 2)
    // the next rotation would purge key 1, retired an hour ago... only a minute ago: refused
    const second = rotateKeySet(database.db, { ...options, now: EPOCH_MS + HOUR + 60_000 })
    await assert.rejects(
      second,
      (error: Error & { code?: string }) => error.code === FernetErrorCode.RotationUnsafe,
    )
    const forced = await rotateKeySet(database.db, {
      ...options,
      now: EPOCH_MS + HOUR + 60_000,
      force: true,
    })
    assert.deepEqual(
      forced.keys.map((key) => key.number),
      [3, 2, 0],
    )
    assert.equal(forced.broken.length, 1)
  })

  test('two racing rotations: one wins, the other fails with RotationRace', async () => {
    const { database } = env()
    const kek = readKeyEncryptionKey(kekFile())
    await setupKeySet(database.db, 'fernet_tokens', kek, EPOCH_MS)
    const options = { ...GUARD, repository: 'fernet_tokens' as const, kek, now: EPOCH_MS + HOUR }
    let inner: Awaited<ReturnType<typeof rotateKeySet>> | undefined
    // the other rotation commits between this one's read and its write
    const outer = rotateKeySet(database.db, {
      ...options,
      laggingNodes: async () => {
        inner = await rotateKeySet(database.db, options)
        return []
      },
    })
    await assert.rejects(
      outer,
      (error: Error & { code?: string }) =>
        error.code === FernetErrorCode.RotationRace && /nothing was written/.test(error.message),
    )
    const set = await readKeySet(database.db, 'fernet_tokens', kek)
    assert.equal(set?.generation, 2)
    assert.equal(set?.keys[0]?.fingerprint, inner?.promoted.fingerprint)
    assert.deepEqual(
      set?.keys.map((key) => key.number),
      [2, 1, 0],
    )
  })

  test('rotation refuses while a live node has not loaded the staged key, naming it', async () => {
    const { database } = env()
    const kek = readKeyEncryptionKey(kekFile())
    await setupKeySet(database.db, 'fernet_tokens', kek, EPOCH_MS)
    const set = await readKeySet(database.db, 'fernet_tokens', kek)
    const current = set?.keys.map((key) => key.fingerprint) ?? []
    const beat = {
      address: '10.0.0.1:5000',
      intervalSeconds: 5,
      keyStore: 'database',
      kekFingerprint: kek.fingerprint,
      version: 'test',
      now: Date.now(),
    }
    await recordHeartbeat(database, {
      ...beat,
      nodeId: 'up-to-date',
      fingerprints: { fernet_tokens: current },
    })
    await recordHeartbeat(database, {
      ...beat,
      nodeId: 'behind',
      fingerprints: { fernet_tokens: current.slice(0, 1) },
    })
    const options = {
      ...GUARD,
      repository: 'fernet_tokens' as const,
      kek,
      now: EPOCH_MS + HOUR,
      laggingNodes: (fingerprint: string) => laggingNodes(database, 'fernet_tokens', fingerprint),
    }
    await assert.rejects(
      rotateKeySet(database.db, options),
      (error: Error & { code?: string }) =>
        error.code === FernetErrorCode.FleetLagging &&
        error.message.includes('behind (10.0.0.1:5000)') &&
        !error.message.includes('up-to-date'),
    )
    const fleet = await readFleet(database)
    assert.deepEqual(
      fleet.map((node) => [node.nodeId, node.live]),
      [
        ['behind', true],
        ['up-to-date', true],
      ],
    )
    // a node gone for three intervals no longer holds rotations back
    await database.db
      .updateTable('fleet_node')
      .set({ last_seen: 0 })
      .where('node_id', '=', 'behind')
      .execute()
    const rotated = await rotateKeySet(database.db, options)
    assert.deepEqual(rotated.lagging, [])
  })

  test('import replaces the set; the node poll picks the new generation up', async () => {
    const { database } = env()
    const kek = readKeyEncryptionKey(kekFile())
    await setupKeySet(database.db, 'fernet_tokens', kek, EPOCH_MS)
    const keys = await DatabaseKeys.open({
      db: database.db,
      repository: 'fernet_tokens',
      kek,
      logger: { warn: () => {} },
      pollMs: 60_000,
    })
    try {
      const before = keys.current()
      const token = before.encrypt(Buffer.from('hello'))
      const primary = generateKey()
      const files = [2, 0].map((number) => {
        const key = number === 2 ? primary : generateKey()
        return {
          number,
          name: String(number),
          path: `x/${number}`,
          key,
          fingerprint: keyFingerprint(key),
        }
      })
      const result = await importKeySet(
        database.db,
        'fernet_tokens',
        kek,
        files,
        new Map(),
        EPOCH_MS,
      )
      assert.equal(result.replaced, true)
      await keys.refresh()
      assert.notEqual(keys.current(), before)
      assert.deepEqual(keys.fingerprints(), [keyFingerprint(primary), files[1]?.fingerprint])
      assert.throws(() => keys.current().decrypt(token))
    } finally {
      keys.close()
    }
  })

  test('the rotation lease: one holder, renewable, taken over once expired', async () => {
    const { database } = env()
    assert.equal(await acquireLease(database, 'rot', 'a', 60_000), true)
    assert.equal(await acquireLease(database, 'rot', 'b', 60_000), false)
    assert.equal(await acquireLease(database, 'rot', 'a', 60_000), true)
    await database.db.updateTable('fleet_lease').set({ expires_at: 0 }).execute()
    assert.equal(await acquireLease(database, 'rot', 'b', 60_000), true)
    assert.equal(await acquireLease(database, 'rot', 'a', 60_000), false)
  })
})

test('the KEK file must be 0600 and a key; it is never rewritten', () => {
  const path = kekFile()
  assert.equal(createKeyEncryptionKeyFile(path), false)
  const open = join(mkdtempSync(join(tmpdir(), 'baton-kek-')), 'kek')
  writeFileSync(open, generateKey(), { mode: 0o644 })
  assert.throws(
    () => readKeyEncryptionKey(open),
    (error: Error) => error.message.includes('mode 644') && error.message.includes(open),
  )
  const junk = join(mkdtempSync(join(tmpdir(), 'baton-kek-')), 'kek')
  writeFileSync(junk, 'not a key', { mode: 0o600 })
  assert.throws(() => readKeyEncryptionKey(junk), /not a key/)
})
