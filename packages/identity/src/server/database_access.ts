/**
 * Opening the identity database from `[database] connection`: `db sync` migrates it, everything
 * else opens it only when its schema is exactly what this code expects (one actionable line when
 * not, like keystone-manage's "run db_sync").
 * @module
 */
import type { Config } from '@baton/config'
import { ServerNotReady } from '../errors.ts'
import { databaseOptions, securityComplianceOptions } from '../options.ts'
import {
  type Clock,
  createStore,
  migrateToLatest,
  openDatabase,
  redactConnectionUrl,
  type Store,
  type StoreDatabase,
  schemaStatus,
} from '../store/index.ts'

export type OpenedStore = { readonly store: Store; readonly database: StoreDatabase }

/** `baton db sync`: applies every pending migration; returns their names (empty when current). */
export async function syncDatabase(config: Config): Promise<readonly string[]> {
  const database = openDatabase(config.get(databaseOptions).connection)
  try {
    return await migrateToLatest(database)
  } finally {
    await database.close()
  }
}

/** Opens the store, refusing a database whose schema is behind or ahead of this code. */
export async function openCurrentStore(config: Config, clock?: Clock): Promise<OpenedStore> {
  const url = config.get(databaseOptions).connection
  const database = openDatabase(url)
  try {
    const status = await schemaStatus(database)
    if (status.unknown.length > 0) {
      throw new ServerNotReady(
        `the database ${redactConnectionUrl(url)} was migrated by a newer Baton ` +
          `(${status.unknown.join(', ')}); upgrade Baton on this node`,
      )
    }
    if (status.pending.length > 0) {
      throw new ServerNotReady(
        `the database ${redactConnectionUrl(url)} schema is behind ` +
          `(${status.version ?? 'empty'}; ${status.pending.length} migrations pending): ` +
          'run `baton db sync --config-file ...` first',
      )
    }
  } catch (error) {
    await database.close()
    throw error
  }
  const inactivity = config.get(securityComplianceOptions).disable_user_account_days_inactive
  const store = createStore(database, {
    ...(clock === undefined ? {} : { clock }),
    userInactivityDays: inactivity,
  })
  return { store, database }
}
