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
import {
  createStore,
  migrateToLatest,
  type Store,
} from '../../../packages/identity/src/store/index.ts'
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
