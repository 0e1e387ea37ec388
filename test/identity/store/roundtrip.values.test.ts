import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  createStore,
  formatEntityTime,
  migrateToLatest,
  parseIsoTime,
  type Store,
} from '../../../packages/identity/src/store/index.ts'
import {
  type DialectName,
  EPOCH_MS,
  eachDialect,
  FakeClock,
  freshDatabase,
  MYSQL_SKIP,
  PG_SKIP,
} from './store.fixtures.ts'

/** The tempest case: Python isoformat() with microseconds must come back verbatim. */
const EXPIRES = '2030-02-27T18:30:59.123456'

async function writeEverything(store: Store) {
  await store.resource.createDomain({
    id: 'd',
    name: 'D',
    enabled: false,
    options: { immutable: true },
  })
  const project = await store.resource.createProject({
    id: 'p',
    name: 'P',
    domainId: 'd',
    enabled: true,
    extra: { unicode: 'żółw 🐢', nested: { list: [1, 2.5, null, false] } },
  })
  const user = await store.identity.createUser({
    id: 'u',
    name: 'U',
    domainId: 'd',
    enabled: false,
    extra: { email: 'u@example.com' },
    password: { hash: '$2b$12$x', expiresAt: parseIsoTime(EXPIRES) ?? 0, selfService: true },
  })
  const service = await store.catalog.createService({ id: 's', type: 't', enabled: false })
  const endpoint = await store.catalog.createEndpoint({
    id: 'e',
    serviceId: 's',
    interface: 'internal',
    url: 'http://x',
    enabled: false,
  })
  const credential = await store.applicationCredentials.create({
    id: 'ac',
    name: 'ac',
    userId: 'u',
    projectId: 'p',
    secretHash: 'h',
    unrestricted: true,
    expiresAt: parseIsoTime(EXPIRES) ?? 0,
    roleIds: [],
  })
  return {
    domain: await store.resource.getDomain('d'),
    project,
    user,
    password: await store.identity.getPassword('u'),
    service,
    endpoint,
    credential,
  }
}

eachDialect('values round-trip exactly', (env) => {
  test('booleans come back as JS booleans, true and false', async () => {
    const { store } = env()
    const all = await writeEverything(store)
    assert.equal(all.domain.enabled, false)
    assert.equal(all.project.enabled, true)
    assert.equal(all.project.isDomain, false)
    assert.equal(all.user.enabled, false)
    assert.equal(all.password?.selfService, true)
    assert.equal(all.service.enabled, false)
    assert.equal(all.endpoint.enabled, false)
    assert.equal(all.credential.unrestricted, true)
    const updated = await store.resource.updateDomain('d', { enabled: true })
    assert.equal(updated.enabled, true)
  })

  test('timestamps keep their microseconds and render as Keystone does', async () => {
    const { store } = env()
    const all = await writeEverything(store)
    assert.equal(typeof all.user.createdAt, 'number')
    assert.equal(all.user.createdAt, EPOCH_MS * 1000)
    assert.equal(formatEntityTime(all.credential.expiresAt ?? 0), EXPIRES)
    assert.equal(formatEntityTime(all.user.passwordExpiresAt ?? 0), EXPIRES)
    assert.equal(all.password?.createdAt, EPOCH_MS * 1000)
  })

  test('extra and options JSON come back structurally equal', async () => {
    const { store } = env()
    const all = await writeEverything(store)
    assert.deepEqual(all.project.extra, {
      unicode: 'żółw 🐢',
      nested: { list: [1, 2.5, null, false] },
    })
    assert.deepEqual(all.domain.options, { immutable: true })
    assert.deepEqual(all.user.extra, { email: 'u@example.com' })
  })

  test('lockout counters count in the database and reset', async () => {
    const { store, clock } = env()
    await writeEverything(store)
    assert.equal(await store.identity.recordFailedAuth('u'), 1)
    clock.advance(1500)
    assert.equal(await store.identity.recordFailedAuth('u'), 2)
    const locked = await store.identity.getUser('u')
    assert.equal(locked.failedAuthCount, 2)
    assert.equal(locked.failedAuthAt, (EPOCH_MS + 1500) * 1000)
    await store.identity.resetFailedAuth('u')
    const reset = await store.identity.getUser('u')
    assert.equal(reset.failedAuthCount, 0)
    assert.equal(reset.failedAuthAt, null)
    await store.identity.recordLastActive('u')
    // a day, as Keystone's DATE column: the start of the UTC day, in microseconds
    const day = Math.floor((EPOCH_MS + 1500) / 86_400_000) * 86_400_000
    assert.equal((await store.identity.getUser('u')).lastActiveAt, day * 1000)
  })

  test('the newest password is current and history is newest first', async () => {
    const { store, clock } = env()
    await writeEverything(store)
    clock.advance(1000)
    await store.identity.setPassword('u', { hash: 'second' })
    clock.advance(1000)
    await store.identity.setPassword('u', { hash: 'third', expiresAt: null })
    assert.equal((await store.identity.getPassword('u'))?.hash, 'third')
    assert.equal((await store.identity.getUser('u')).passwordExpiresAt, null)
    const history = await store.identity.listPasswordHistory('u', 2)
    assert.deepEqual(
      history.map((p) => p.hash),
      ['third', 'second'],
    )
  })
})

for (const [other, skip] of [
  ['postgres', PG_SKIP],
  ['mysql', MYSQL_SKIP],
] as const) {
  describe(`values are identical on SQLite and ${other}`, { skip }, () => {
    test('the same writes read back deep-equal on both dialects', async () => {
      const results = []
      for (const dialect of ['sqlite', other] as DialectName[]) {
        const db = await freshDatabase(dialect)
        try {
          await migrateToLatest(db.database)
          results.push(await writeEverything(createStore(db.database, { clock: new FakeClock() })))
        } finally {
          await db.close()
        }
      }
      assert.deepEqual(results[0], results[1])
    })
  })
}

describe('entity time text', () => {
  test('parses ISO 8601 with up to six fractional digits and renders microseconds', () => {
    assert.equal(
      formatEntityTime(parseIsoTime('2030-02-27T18:30:59Z') ?? 0),
      '2030-02-27T18:30:59.000000',
    )
    assert.equal(
      formatEntityTime(parseIsoTime('2030-02-27T18:30:59.5') ?? 0),
      '2030-02-27T18:30:59.500000',
    )
    assert.equal(
      formatEntityTime(parseIsoTime('2030-02-27T20:30:59.000001+02:00') ?? 0),
      '2030-02-27T18:30:59.000001',
    )
  })

  test('rejects what is not a real datetime', () => {
    assert.equal(parseIsoTime('2030-02-30T00:00:00'), undefined)
    assert.equal(parseIsoTime('tomorrow'), undefined)
    assert.equal(parseIsoTime('2030-02-27T18:30:59.1234567'), undefined)
  })
})
