/**
 * Runs and inspects the schema migrations with kysely's Migrator and a static provider (no file
 * globbing, so a bundled build migrates the same way). The server refuses to start unless
 * `isSchemaCurrent` holds; `baton db sync` calls `migrateToLatest`.
 * @module
 */
import { type Kysely, type MigrationResultSet, Migrator, sql } from 'kysely'
import { MigrationFailedError } from '../../errors.ts'
import type { StoreDatabase } from '../database.ts'
import { resourceMigration } from './0001_resource.ts'
import { identityMigration } from './0002_identity.ts'
import { assignmentMigration } from './0003_assignment.ts'
import { catalogMigration } from './0004_catalog.ts'
import { applicationCredentialMigration } from './0005_application_credential.ts'
import { revocationEventMigration } from './0006_revocation_event.ts'
import { cacheGenerationMigration } from './0007_cache_generation.ts'
import { unifiedLimitMigration } from './0008_unified_limit.ts'
import { policyMigration } from './0009_policy.ts'
import { credentialMigration } from './0010_credential.ts'
import { endpointGroupMigration } from './0011_endpoint_group.ts'
import { domainConfigMigration } from './0012_domain_config.ts'
import { accessRuleMigration } from './0014_access_rule.ts'
import { trustMigration } from './0015_trust.ts'
import { oauth1Migration } from './0016_oauth1.ts'
import { delegationMigration } from './0017_delegation.ts'
import { oauth1TokenMigration } from './0018_oauth1_token.ts'
import { keystoneImportMigration } from './0019_keystone_import.ts'
import { fleetKeyStoreMigration } from './0020_fleet_key_store.ts'
import type { BatonMigration, MigrationFactory } from './columns.ts'
import { MysqlTableOptionsPlugin } from './mysql_tables.ts'

/** Applied in this order; names are recorded in the migration table and must never change. */
const MIGRATIONS: ReadonlyArray<readonly [string, MigrationFactory]> = [
  ['0001_resource', resourceMigration],
  ['0002_identity', identityMigration],
  ['0003_assignment', assignmentMigration],
  ['0004_catalog', catalogMigration],
  ['0005_application_credential', applicationCredentialMigration],
  ['0006_revocation_event', revocationEventMigration],
  ['0007_cache_generation', cacheGenerationMigration],
  ['0008_unified_limit', unifiedLimitMigration],
  ['0009_policy', policyMigration],
  ['0010_credential', credentialMigration],
  ['0011_endpoint_group', endpointGroupMigration],
  ['0012_domain_config', domainConfigMigration],
  ['0014_access_rule', accessRuleMigration],
  ['0015_trust', trustMigration],
  ['0016_oauth1', oauth1Migration],
  ['0017_delegation', delegationMigration],
  ['0018_oauth1_token', oauth1TokenMigration],
  ['0019_keystone_import', keystoneImportMigration],
  ['0020_fleet_key_store', fleetKeyStoreMigration],
]

export const MIGRATION_TABLE = 'baton_migration'
export const MIGRATION_LOCK_TABLE = 'baton_migration_lock'

/** The newest migration this code knows: the version a current database reports. */
export const LATEST_SCHEMA_VERSION: string = MIGRATIONS.at(-1)?.[0] ?? ''

export interface SchemaStatus {
  /** Last applied migration, or null for an empty database. */
  readonly version: string | null
  readonly pending: readonly string[]
  /** Applied migrations this code does not know: a newer Baton migrated the database. */
  readonly unknown: readonly string[]
}

async function migrator(store: StoreDatabase): Promise<Migrator> {
  const migrations: Record<string, BatonMigration> = {}
  for (const [name, factory] of MIGRATIONS) migrations[name] = factory(store.dialect)
  return new Migrator({
    // On MySQL every CREATE TABLE (the migrator's own included) gets InnoDB and utf8mb4_bin.
    db: store.dialect === 'mysql' ? store.db.withPlugin(new MysqlTableOptionsPlugin()) : store.db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: MIGRATION_LOCK_TABLE,
    // Without an explicit schema, kysely looks for its table in *every* PostgreSQL schema and
    // can find another tenant's; pin it to the connection's own search_path head.
    ...(store.dialect === 'postgres'
      ? { migrationTableSchema: await currentSchema(store.db) }
      : {}),
  })
}

async function currentSchema<DB>(db: Kysely<DB>): Promise<string> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db)
  const schema = rows[0]?.schema
  if (!schema) throw new MigrationFailedError('PostgreSQL search_path names no existing schema')
  return schema
}

/** Applies every pending migration, each in its own transaction; a no-op when current. */
export async function migrateToLatest(store: StoreDatabase): Promise<readonly string[]> {
  const result: MigrationResultSet = await (await migrator(store)).migrateToLatest()
  if (result.error !== undefined) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown'
    const reason = result.error instanceof Error ? result.error.message : String(result.error)
    throw new MigrationFailedError(`migration ${failed} failed: ${reason}`, {
      cause: result.error,
    })
  }
  return (result.results ?? []).map((r) => r.migrationName)
}

export async function schemaStatus(store: StoreDatabase): Promise<SchemaStatus> {
  const infos = await (await migrator(store)).getMigrations()
  const applied = infos.filter((m) => m.executedAt !== undefined).map((m) => m.name)
  const pending = infos.filter((m) => m.executedAt === undefined).map((m) => m.name)
  const recorded = await recordedMigrations(store)
  const known = new Set(MIGRATIONS.map(([name]) => name))
  const unknown = recorded.filter((name) => !known.has(name))
  const version = unknown.at(-1) ?? applied.at(-1) ?? null
  return { version, pending, unknown }
}

/** Last applied migration name, or null when the database was never migrated. */
export async function schemaVersion(store: StoreDatabase): Promise<string | null> {
  return (await schemaStatus(store)).version
}

/** True when every known migration is applied and nothing newer is. */
export async function isSchemaCurrent(store: StoreDatabase): Promise<boolean> {
  const status = await schemaStatus(store)
  return status.pending.length === 0 && status.unknown.length === 0
}

async function recordedMigrations(store: StoreDatabase): Promise<string[]> {
  const tables = await store.db.introspection.getTables({ withInternalKyselyTables: true })
  const schema = store.dialect === 'postgres' ? await currentSchema(store.db) : undefined
  const exists = tables.some(
    (t) => t.name === MIGRATION_TABLE && (schema === undefined || t.schema === schema),
  )
  if (!exists) return []
  const { rows } = await sql<{ name: string }>`select name from ${sql.table(
    schema === undefined ? MIGRATION_TABLE : `${schema}.${MIGRATION_TABLE}`,
  )} order by name`.execute(store.db)
  return rows.map((r) => r.name)
}
