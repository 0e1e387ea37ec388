/**
 * What only the MySQL/MariaDB schema has to get right (migrations/mysql_tables.ts): utf8mb4_bin
 * tables (names compare case-sensitively, as on PostgreSQL), and cache-generation coverage of
 * InnoDB's ON DELETE CASCADE, which fires no triggers: every cascading foreign key into a table
 * that moves the generation must hang off a parent that moves it too.
 * @module
 */
import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, test } from 'node:test'
import { sql } from 'kysely'
import mysql from 'mysql2/promise'
import { DatabaseBusy } from '../../../packages/identity/src/errors.ts'
import {
  createStore,
  migrateToLatest,
  type Store,
} from '../../../packages/identity/src/store/index.ts'
import {
  busyOr,
  constraintViolation,
  isLockUnavailable,
} from '../../../packages/identity/src/store/store_errors.ts'
import { FakeClock, freshMysqlDatabase, MYSQL_SKIP, type TestDb } from './store.fixtures.ts'

describe('MySQL schema', { skip: MYSQL_SKIP }, () => {
  let db: TestDb | undefined
  let store: Store
  beforeEach(async () => {
    db = await freshMysqlDatabase()
    await migrateToLatest(db.database)
    store = createStore(db.database, { clock: new FakeClock() })
  })
  afterEach(async () => {
    await db?.close()
    db = undefined
  })

  test('every table is InnoDB with utf8mb4_bin', async () => {
    const { rows } = await sql<{ name: string; engine: string; collation: string }>`
      select table_name as name, engine, table_collation as collation
      from information_schema.tables where table_schema = database()`.execute(
      db?.database.db ?? assert.fail(),
    )
    assert.ok(rows.length > 20)
    for (const row of rows) {
      assert.equal(row.engine, 'InnoDB', row.name)
      assert.equal(row.collation, 'utf8mb4_bin', row.name)
    }
  })

  test('names differing in case only are different names, as on PostgreSQL', async () => {
    const domain = await store.resource.createDomain({ name: 'Default' })
    await store.resource.createProject({ name: 'admin', domainId: domain.id })
    await store.resource.createProject({ name: 'Admin', domainId: domain.id })
    await store.resource.createProject({ name: 'ädmin', domainId: domain.id })
    const names = (await store.resource.listProjects({ domainId: domain.id })).map((p) => p.name)
    assert.deepEqual(names.sort(), ['Admin', 'admin', 'ädmin'])
    const exact = await store.resource.listProjects({ domainId: domain.id, name: 'admin' })
    assert.deepEqual(
      exact.map((p) => p.name),
      ['admin'],
    )
  })

  test('every cascading foreign key into a generation table hangs off a generation table', async () => {
    const database = db?.database.db ?? assert.fail()
    const { rows: triggers } = await sql<{ name: string }>`
      select distinct event_object_table as name from information_schema.triggers
      where trigger_schema = database() and trigger_name like 'baton\\_gen\\_%'`.execute(database)
    const moving = new Set(triggers.map((t) => t.name))
    assert.ok(moving.has('user') && moving.has('password'))
    const { rows: cascades } = await sql<{ child: string; parent: string }>`
      select table_name as child, referenced_table_name as parent
      from information_schema.referential_constraints
      where constraint_schema = database() and delete_rule = 'CASCADE'`.execute(database)
    assert.ok(cascades.length >= 10)
    for (const { child, parent } of cascades) {
      if (moving.has(child)) assert.ok(moving.has(parent), `${parent} -> ${child} cascades unseen`)
    }
  })

  test('a delete that cascades moves the generation once the transaction commits', async () => {
    const domain = await store.resource.createDomain({ name: 'Default' })
    const user = await store.identity.createUser({ name: 'jdoe', domainId: domain.id })
    const group = await store.identity.createGroup({ name: 'devs', domainId: domain.id })
    await store.identity.addUserToGroup(user.id, group.id)
    const before = await store.generation.current()
    await store.identity.deleteGroup(group.id)
    assert.ok((await store.generation.current()) > before)
    assert.equal(await store.identity.isUserInGroup(user.id, group.id), false)
  })
})

describe('MySQL driver errors, produced for real', { skip: MYSQL_SKIP }, () => {
  let db: TestDb | undefined
  afterEach(async () => {
    await db?.close()
    db = undefined
  })

  async function rawConnection(url: string) {
    const u = new URL(url)
    return mysql.createConnection({
      host: u.hostname,
      port: Number(u.port || 3306),
      user: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password),
      database: u.pathname.slice(1),
    })
  }

  async function errorOf(work: () => Promise<unknown>): Promise<unknown> {
    try {
      await work()
    } catch (error) {
      return error
    }
    return assert.fail('expected an error')
  }

  test('duplicate keys, foreign keys and lock wait timeouts are classified', async () => {
    db = await freshMysqlDatabase()
    await migrateToLatest(db.database)
    const a = await rawConnection(db.url)
    const b = await rawConnection(db.url)
    try {
      await a.query(
        "insert into role (id, name, domain_id, options, extra) values ('r1', 'x', '<<null>>', '{}', '{}')",
      )
      const byId = await errorOf(() =>
        a.query(
          "insert into role (id, name, domain_id, options, extra) values ('r1', 'y', '<<null>>', '{}', '{}')",
        ),
      )
      assert.equal(constraintViolation(byId), 'primary_key')
      const byName = await errorOf(() =>
        a.query(
          "insert into role (id, name, domain_id, options, extra) values ('r2', 'x', '<<null>>', '{}', '{}')",
        ),
      )
      assert.equal(constraintViolation(byName), 'unique')
      const dangling = await errorOf(() =>
        a.query("insert into implied_role (prior_role_id, implied_role_id) values ('r1', 'nope')"),
      )
      assert.equal(constraintViolation(dangling), 'foreign_key')
      assert.equal(isLockUnavailable(dangling), false)

      await a.query('begin')
      await a.query('update cache_generation set value = value + 1 where id = 1')
      await b.query('set session innodb_lock_wait_timeout = 1')
      const timeout = await errorOf(() =>
        b.query('update cache_generation set value = value + 1 where id = 1'),
      )
      await a.query('rollback')
      assert.equal((timeout as { errno?: number }).errno, 1205)
      assert.ok(isLockUnavailable(timeout))
      assert.ok(busyOr(timeout) instanceof DatabaseBusy)
    } finally {
      await a.end()
      await b.end()
    }
  })

  test('a transaction chosen as a deadlock victim is run again whole and commits', async () => {
    db = await freshMysqlDatabase()
    await migrateToLatest(db.database)
    const store = createStore(db.database, { clock: new FakeClock() })
    const domain = await store.resource.createDomain({ name: 'Default' })
    await store.policies.create({ id: 'p', blob: {}, type: 'x', extra: {} })
    const rival = await rawConnection(db.url)
    try {
      let attempts = 0
      await store.transaction(async (trx) => {
        attempts++
        await trx.resource.createProject({ name: `p${attempts}`, domainId: domain.id })
        if (attempts > 1) {
          await trx.policies.update('p', { type: 'mine' })
          return
        }
        // This transaction now holds the generation row. The rival writes many rows (so InnoDB
        // picks this transaction, which wrote fewer, as the victim), locks policy p, and waits
        // for the generation row; then this transaction wants policy p: a cycle.
        await rival.query('begin')
        for (let i = 0; i < 20; i++) {
          await rival.query(
            `insert into policy (id, \`blob\`, type, extra) values ('r${i}', '{}', 'r', '{}')`,
          )
        }
        await rival.query("update policy set type = 'rival' where id = 'p'")
        const rivalWaits = rival.query('update cache_generation set value = value + 1 where id = 1')
        await new Promise((resolve) => setTimeout(resolve, 200))
        const mine = trx.policies.update('p', { type: 'mine' })
        const [theirs, ours] = await Promise.allSettled([rivalWaits, mine])
        await rival.query(theirs.status === 'fulfilled' ? 'commit' : 'rollback')
        if (ours.status === 'rejected') throw ours.reason
      })
      assert.equal(attempts, 2, 'the victim ran twice')
      assert.equal((await store.policies.get('p')).type, 'mine')
      // The first attempt's project was rolled back with it; only the second's is there.
      const projects = await store.resource.listProjects({ domainId: domain.id })
      assert.deepEqual(
        projects.map((p) => p.name),
        ['p2'],
      )
    } finally {
      await rival.end()
    }
  })
})
