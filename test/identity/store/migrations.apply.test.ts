import assert from 'node:assert/strict'
import { afterEach, describe, test } from 'node:test'
import { sql } from 'kysely'
import {
  isSchemaCurrent,
  LATEST_SCHEMA_VERSION,
  migrateToLatest,
  schemaStatus,
  schemaVersion,
} from '../../../packages/identity/src/store/index.ts'
import { DIALECTS, freshDatabase, type TestDb } from './store.fixtures.ts'

const TABLES = [
  'application_credential',
  'application_credential_role',
  'assignment',
  'endpoint',
  'group',
  'implied_role',
  'password',
  'project',
  'project_tag',
  'region',
  'revocation_event',
  'role',
  'service',
  'system_assignment',
  'user',
  'user_group_membership',
]

for (const [dialect, skip] of DIALECTS) {
  describe(`migrations [${dialect}]`, { skip }, () => {
    let db: TestDb | undefined
    afterEach(async () => {
      await db?.close()
      db = undefined
    })

    test('an empty database reports no version and is not current', async () => {
      db = await freshDatabase(dialect)
      assert.equal(await schemaVersion(db.database), null)
      assert.equal(await isSchemaCurrent(db.database), false)
      const status = await schemaStatus(db.database)
      assert.equal(status.pending.at(-1), LATEST_SCHEMA_VERSION)
    })

    test('migrating creates every table and makes the schema current', async () => {
      db = await freshDatabase(dialect)
      const applied = await migrateToLatest(db.database)
      assert.equal(applied.at(-1), LATEST_SCHEMA_VERSION)
      assert.equal(await schemaVersion(db.database), LATEST_SCHEMA_VERSION)
      assert.equal(await isSchemaCurrent(db.database), true)
      const tables = (await db.database.db.introspection.getTables()).map((t) => t.name)
      for (const table of TABLES) assert.ok(tables.includes(table), `missing table ${table}`)
    })

    test('running the migrations again is a no-op', async () => {
      db = await freshDatabase(dialect)
      await migrateToLatest(db.database)
      await db.database.db
        .insertInto('role')
        .values({ id: 'r1', name: 'reader', domain_id: '<<null>>', options: '{}', extra: '{}' })
        .execute()
      assert.deepEqual(await migrateToLatest(db.database), [])
      const roles = await db.database.db.selectFrom('role').select('id').execute()
      assert.deepEqual(roles, [{ id: 'r1' }])
    })

    test('a migration recorded by a newer Baton makes the schema not current', async () => {
      db = await freshDatabase(dialect)
      await migrateToLatest(db.database)
      await sql`insert into baton_migration (name, timestamp) values ('9999_future', '2030-01-01T00:00:00.000Z')`.execute(
        db.database.db,
      )
      assert.equal(await isSchemaCurrent(db.database), false)
      const status = await schemaStatus(db.database)
      assert.deepEqual(status.unknown, ['9999_future'])
      assert.equal(status.version, '9999_future')
    })

    test('revocation_event carries Keystone indexes', async () => {
      db = await freshDatabase(dialect)
      await migrateToLatest(db.database)
      const query =
        dialect === 'sqlite'
          ? sql<{
              name: string
            }>`select name from sqlite_master where type = 'index' and tbl_name = 'revocation_event'`
          : dialect === 'mysql'
            ? sql<{
                name: string
              }>`select distinct index_name as name from information_schema.statistics where table_name = 'revocation_event' and table_schema = database()`
            : sql<{
                name: string
              }>`select indexname as name from pg_indexes where tablename = 'revocation_event' and schemaname = current_schema()`
      const names = (await query.execute(db.database.db)).rows.map((r) => r.name)
      for (const name of [
        'ix_revocation_event_project_id_issued_before',
        'ix_revocation_event_user_id_issued_before',
        'ix_revocation_event_audit_id_issued_before',
        'ix_revocation_event_project_id_user_id',
        'ix_revocation_event_issued_before_user_id_project_id_audit_id',
      ]) {
        assert.ok(names.includes(name), `missing index ${name}`)
      }
    })
  })
}
