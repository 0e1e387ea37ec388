/**
 * A fleet of identity nodes on one database (Baton-only, issue 17): the Fernet keys themselves
 * when `[fernet_tokens] key_store = database` (each wrapped by the node's key-encryption key;
 * `fernet_key_set.generation` moves at every change, so nodes poll one small row), the nodes'
 * heartbeats (`fleet_node`: what keys each has loaded), and leases (`fleet_lease`: the one node
 * that rotates automatically).
 * @module
 */
import { MICROS, type MigrationFactory, notNull } from './columns.ts'

export const fleetKeyStoreMigration: MigrationFactory = () => ({
  async up(db) {
    await db.schema
      .createTable('fernet_key_set')
      // 'fernet_tokens' or 'fernet_receipts'
      .addColumn('repository', 'varchar(32)', (c) => c.primaryKey())
      .addColumn('generation', 'bigint', notNull)
      .addColumn('kek_fingerprint', 'varchar(64)', notNull)
      .addColumn('updated_at', MICROS, notNull)
      .execute()
    await db.schema
      .createTable('fernet_key')
      .addColumn('repository', 'varchar(32)', notNull)
      .addColumn('number', 'bigint', notNull)
      .addColumn('role', 'varchar(16)', notNull)
      .addColumn('fingerprint', 'varchar(64)', notNull)
      .addColumn('wrapped', 'varchar(255)', notNull)
      .addColumn('created_at', MICROS)
      .addColumn('promoted_at', MICROS)
      .addColumn('retired_at', MICROS)
      .addPrimaryKeyConstraint('fernet_key_pkey', ['repository', 'number'])
      .execute()
    await db.schema
      .createTable('fleet_node')
      .addColumn('node_id', 'varchar(255)', (c) => c.primaryKey())
      .addColumn('address', 'varchar(255)', notNull)
      // the database's clock at the heartbeat, and the node's own: their difference is its skew
      .addColumn('last_seen', MICROS, notNull)
      .addColumn('clock', MICROS, notNull)
      .addColumn('heartbeat_interval', 'integer', notNull)
      .addColumn('key_store', 'varchar(16)', notNull)
      // JSON: {"fernet_tokens": [fingerprint, ...], "fernet_receipts": [...]}
      .addColumn('key_fingerprints', 'text', notNull)
      .addColumn('kek_fingerprint', 'varchar(64)')
      .addColumn('version', 'varchar(64)', notNull)
      .execute()
    await db.schema
      .createTable('fleet_lease')
      .addColumn('name', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('holder', 'varchar(255)', notNull)
      .addColumn('expires_at', MICROS, notNull)
      .execute()
  },
  async down(db) {
    for (const table of ['fleet_lease', 'fleet_node', 'fernet_key', 'fernet_key_set']) {
      await db.schema.dropTable(table).execute()
    }
  },
})
