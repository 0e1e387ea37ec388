/**
 * What every repository is built from, and the one transaction rule: a repository method that
 * writes several rows runs them in a transaction, joining the caller's transaction when the
 * context already is one (so `store.transaction()` can compose several repositories atomically).
 * @module
 */
import type { Kysely } from 'kysely'
import type { SqliteHandle, StoreDialect } from './database.ts'
import type { Schema } from './schema.ts'
import type { Clock } from './timestamps.ts'
import { retryingTransaction } from './transaction_retry.ts'

export interface StoreContext {
  /** The database, or an open transaction on it. */
  readonly db: Kysely<Schema>
  readonly dialect: StoreDialect
  /** SQLite only: the connection under `db` (see `StoreDatabase.sqlite`). */
  readonly sqlite?: SqliteHandle | undefined
  readonly clock: Clock
  /** `[security_compliance] disable_user_account_days_inactive` (see identity/inactivity.ts). */
  readonly userInactivityDays?: number | undefined
}

export async function inTransaction<T>(
  ctx: StoreContext,
  work: (trx: Kysely<Schema>) => Promise<T>,
): Promise<T> {
  // kysely cannot nest transactions; inside one, the caller's transaction is the unit.
  if (ctx.db.isTransaction) return work(ctx.db)
  return retryingTransaction(ctx.dialect, () => ctx.db.transaction().execute(work))
}
