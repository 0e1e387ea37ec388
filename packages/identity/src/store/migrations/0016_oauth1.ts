/**
 * OS-OAUTH1's `consumer` table as Keystone creates it (keystone/oauth1/backends/sql.py, the
 * initial Alembic version): the description is a String(64) (longer ones are Keystone's
 * StringLengthExceeded 400, checked before the write), the secret is stored as Keystone stores
 * it, in the clear (the consumer signs OAuth requests with it, so the server must read it back),
 * and other attributes go to `extra`.
 * @module
 */
import { ID, jsonText, type MigrationFactory, notNull } from './columns.ts'

export const oauth1Migration: MigrationFactory = () => ({
  async up(db) {
    await db.schema
      .createTable('consumer')
      .addColumn('id', ID, (c) => c.primaryKey())
      .addColumn('description', 'varchar(64)')
      .addColumn('secret', 'varchar(64)', notNull)
      .addColumn('extra', 'text', jsonText)
      .execute()
  },

  async down(db) {
    await db.schema.dropTable('consumer').execute()
  },
})
