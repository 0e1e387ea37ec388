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

/** `[database] connection` opened with the pool options of `[database]`. */
function openConfigured(config: Config): StoreDatabase {
  const options = config.get(databaseOptions)
  return openDatabase(options.connection, {
    poolMax: options.max_pool_size,
    connectionRecycleTime: options.connection_recycle_time,
  })
}

/** `baton db sync`: applies every pending migration; returns their names (empty when current). */
export async function syncDatabase(config: Config): Promise<readonly string[]> {
  const database = openConfigured(config)
  try {
    return await migrateToLatest(database)
  } finally {
    await database.close()
  }
}

/**
 * keystone-manage's `db_sync` phases mapped onto Baton's single, ordered migration list: Baton's
 * migrations are all additive and run in one step, so `--expand` applies every pending one, and
 * `--migrate` / `--contract` have nothing left to do once nothing is pending (they refuse, naming
 * `--expand`, while something is). `--check` reports keystone-manage's exit codes: 0 up to date,
 * 2 expand needed (any pending migration); 3 and 4 never arise.
 */
export type SyncPhase = 'all' | 'expand' | 'migrate' | 'contract'

/** What `baton db sync --check` prints and the exit code keystone-manage would give. */
export interface SyncCheck {
  readonly exitCode: 0 | 2
  readonly message: string
}

/** Runs one phase of `baton db sync`; returns the migrations applied (empty when none). */
export async function syncDatabasePhase(
  config: Config,
  phase: SyncPhase,
): Promise<readonly string[]> {
  if (phase === 'all' || phase === 'expand') return syncDatabase(config)
  const url = config.get(databaseOptions).connection
  const database = openConfigured(config)
  try {
    const status = await readableStatus(database, url)
    if (status.pending.length > 0) {
      throw new ServerNotReady(
        `db sync --${phase}: ${status.pending.length} migrations are pending on ` +
          `${redactConnectionUrl(url)}: run \`baton db sync --expand\` first`,
      )
    }
    return []
  } finally {
    await database.close()
  }
}

/** `baton db sync --check`: reads the schema, writes nothing. */
export async function checkDatabaseSync(config: Config): Promise<SyncCheck> {
  const url = config.get(databaseOptions).connection
  const database = openConfigured(config)
  try {
    const status = await readableStatus(database, url)
    if (status.pending.length === 0) {
      return {
        exitCode: 0,
        message: `The database schema is up to date (${status.version ?? 'empty'}).`,
      }
    }
    return {
      exitCode: 2,
      message:
        `${status.pending.length} migrations pending (at ${status.version ?? 'empty'}, ` +
        `next ${status.pending[0]}): run \`baton db sync --expand\`.`,
    }
  } finally {
    await database.close()
  }
}

async function readableStatus(database: StoreDatabase, url: string) {
  const status = await schemaStatus(database)
  if (status.unknown.length > 0) {
    throw new ServerNotReady(
      `the database ${redactConnectionUrl(url)} was migrated by a newer Baton ` +
        `(${status.unknown.join(', ')}); upgrade Baton on this node`,
    )
  }
  return status
}

/** Opens the store, refusing a database whose schema is behind or ahead of this code. */
export async function openCurrentStore(config: Config, clock?: Clock): Promise<OpenedStore> {
  const url = config.get(databaseOptions).connection
  const database = openConfigured(config)
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

/**
 * Network failures, PostgreSQL's "starting up" / "too many connections" and MySQL's lost
 * connection / "too many connections": worth a retry. A bad password or a missing database is not.
 */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'ECONNRESET',
  'EAI_AGAIN',
  '57P03',
  '53300',
  'PROTOCOL_CONNECTION_LOST',
  'ER_CON_COUNT_ERROR',
])

function unreachable(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined
  const code = 'code' in error ? String(error.code) : ''
  if (UNREACHABLE.has(code)) return code
  if (error instanceof AggregateError) {
    for (const inner of error.errors) {
      const found = unreachable(inner)
      if (found !== undefined) return found
    }
  }
  if (/Connection terminated/.test(error.message)) return 'connection terminated'
  return undefined
}

/**
 * The identity server's start: `openCurrentStore`, retrying while the database is unreachable
 * (`[database] max_retries`, waits from 0.5 s doubling up to `retry_interval`), one line per wait;
 * then one ServerNotReady line. A schema that is not current fails at once.
 */
export async function openCurrentStoreWithRetry(
  config: Config,
  clock: Clock | undefined,
  warn: (message: string) => void,
): Promise<OpenedStore> {
  const {
    max_retries: maxRetries,
    retry_interval: maxWait,
    connection,
  } = config.get(databaseOptions)
  for (let attempt = 0; ; attempt++) {
    try {
      return await openCurrentStore(config, clock)
    } catch (error) {
      const code = unreachable(error)
      if (code === undefined) throw error
      const where = redactConnectionUrl(connection)
      if (maxRetries !== -1 && attempt >= maxRetries) {
        throw new ServerNotReady(
          `the database ${where} is unreachable (${code}) after ${attempt + 1} attempts; check [database] connection and that the database is up`,
          { cause: error },
        )
      }
      const wait = Math.min(maxWait, 0.5 * 2 ** attempt)
      const of = maxRetries === -1 ? '' : ` of ${maxRetries}`
      warn(`the database ${where} is unreachable (${code}); retry ${attempt + 1}${of} in ${wait} s`)
      await new Promise((resolve) => setTimeout(resolve, wait * 1000))
    }
  }
}
