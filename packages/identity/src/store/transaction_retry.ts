/**
 * Whole-transaction retries for MySQL/MariaDB. InnoDB resolves a deadlock by rolling one
 * transaction back (1213), gives up on a lock after innodb_lock_wait_timeout (1205), and Galera
 * refuses a commit that lost certification against another node's (1213 with a WSREP message,
 * 1047, 1180): in each case nothing of the transaction was written and running it again from the
 * start can succeed, so the store does that a bounded number of times (as oslo.db's
 * wrap_db_retry does for Keystone) before answering 503 (`DatabaseBusy`). The work must only
 * touch the database, which every store transaction does. SQLite and PostgreSQL are not retried
 * here: their lock handling is lock_aware_driver.ts's.
 * @module
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { DatabaseBusy } from '../errors.ts'
import type { StoreDialect } from './database_types.ts'

/** Attempts per transaction, the first included. */
export const TRANSACTION_ATTEMPTS = 5

export async function retryingTransaction<T>(
  dialect: StoreDialect,
  run: () => Promise<T>,
): Promise<T> {
  if (dialect !== 'mysql') return run()
  for (let attempt = 1; ; attempt++) {
    try {
      return await run()
    } catch (error) {
      if (!(error instanceof DatabaseBusy) || attempt >= TRANSACTION_ATTEMPTS) throw error
      // Jittered exponential backoff, so two retried rivals do not meet again in step.
      await sleep(Math.random() * 10 * 2 ** attempt)
    }
  }
}
