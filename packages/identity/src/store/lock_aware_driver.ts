/**
 * How the store's transactions take locks, and what a lock the database will not grant becomes.
 * kysely's drivers, for either dialect, wrapped so that:
 * - on SQLite a transaction begins IMMEDIATE, taking the database's one write lock up front. A
 *   deferred BEGIN reads on a snapshot and upgrades at its first write; when another process has
 *   committed since the snapshot, SQLite refuses the upgrade at once (SQLITE_BUSY_SNAPSHOT), and two
 *   upgraders block each other (SQLITE_BUSY), neither of which busy_timeout waits out: with
 *   `[DEFAULT] workers = 2` one write in ten failed. Taking the lock first, a writer waits its turn
 *   within busy_timeout and is never refused half-way. (`accessMode: 'read only'` keeps a deferred
 *   BEGIN, for transactions that only read.)
 * - on PostgreSQL and MySQL/MariaDB a transaction begins plainly and its writes wait on row locks
 *   (READ COMMITTED on both).
 * - a lock not had in time (busy_timeout ran out; a PostgreSQL deadlock or serialization failure;
 *   a MySQL deadlock, lock wait timeout or Galera certification failure) surfaces as `DatabaseBusy`, a 503 with Keystone's error body, never a 500.
 * Statements outside a transaction are single autocommit statements: each takes the write lock as
 * it starts, so busy_timeout covers them already.
 * @module
 */
import { setTimeout as sleep } from 'node:timers/promises'
import {
  CompiledQuery,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type MigrationLockOptions,
  MysqlAdapter,
  MysqlDialect,
  PostgresDialect,
  type QueryCompiler,
  type QueryResult,
  SqliteDialect,
  type TransactionSettings,
} from 'kysely'
import { MigrationFailedError } from '../errors.ts'
import { busyOr, isLockUnavailable } from './store_errors.ts'
import { TRANSACTION_ATTEMPTS } from './transaction_retry.ts'

type CompileQuery = QueryCompiler['compileQuery']

export class LockAwareSqliteDialect extends SqliteDialect {
  override createDriver(): Driver {
    return new LockAwareDriver(super.createDriver(), { beginImmediate: true })
  }
}

export class LockAwarePostgresDialect extends PostgresDialect {
  override createDriver(): Driver {
    return new LockAwareDriver(super.createDriver(), { beginImmediate: false })
  }
}

/** MySQL/MariaDB: InnoDB row locks at READ COMMITTED (mysql_connection.ts), as on PostgreSQL. */
export class LockAwareMysqlDialect extends MysqlDialect {
  override createDriver(): Driver {
    return new LockAwareDriver(super.createDriver(), {
      beginImmediate: false,
      retryAutocommit: true,
    })
  }

  override createAdapter(): DialectAdapter {
    return new RowLockMysqlAdapter()
  }
}

/** How long `baton db sync` waits for another node's to finish on MySQL. */
const MIGRATION_LOCK_WAIT_MS = 10 * 60 * 1000

/**
 * kysely's MySQL adapter guards migrations with GET_LOCK, which is one server's (Galera does not
 * replicate it) and server-wide (every database on the server shares it). MySQL's DDL commits
 * implicitly, so no row lock can span a migration either; instead the migration lock row is
 * claimed by a compare-and-set UPDATE (a replicated write that Galera certifies), and released
 * the same way. A `db sync` killed mid-way leaves the row claimed: the error says how to free it.
 */
class RowLockMysqlAdapter extends MysqlAdapter {
  override async acquireMigrationLock(
    db: Kysely<unknown>,
    options: MigrationLockOptions,
  ): Promise<void> {
    const deadline = Date.now() + MIGRATION_LOCK_WAIT_MS
    for (;;) {
      const claimed = await db.executeQuery(
        CompiledQuery.raw(
          `update \`${options.lockTable}\` set is_locked = 1 where id = ? and is_locked = 0`,
          [options.lockRowId],
        ),
      )
      if (claimed.numAffectedRows === 1n) return
      if (Date.now() > deadline) {
        throw new MigrationFailedError(
          `another baton db sync has held ${options.lockTable} for 10 minutes; if none runs, ` +
            `one died mid-way: check the schema, then UPDATE ${options.lockTable} SET is_locked = 0`,
        )
      }
      await sleep(250)
    }
  }

  override async releaseMigrationLock(
    db: Kysely<unknown>,
    options: MigrationLockOptions,
  ): Promise<void> {
    await db.executeQuery(
      CompiledQuery.raw(`update \`${options.lockTable}\` set is_locked = 0 where id = ?`, [
        options.lockRowId,
      ]),
    )
  }
}

async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    throw busyOr(error)
  }
}

/**
 * The connection kysely sees: the driver's own, with lock failures mapped. On MySQL a statement
 * outside a transaction (autocommit) that deadlocked or timed out on a lock was rolled back whole,
 * so it is run again, up to TRANSACTION_ATTEMPTS times (transactions are retried whole by
 * transaction_retry.ts instead).
 */
class GuardedConnection implements DatabaseConnection {
  readonly inner: DatabaseConnection
  readonly #retryAutocommit: boolean
  inTransaction = false

  constructor(inner: DatabaseConnection, retryAutocommit: boolean) {
    this.inner = inner
    this.#retryAutocommit = retryAutocommit
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.inner.executeQuery<R>(query)
      } catch (error) {
        const retry =
          this.#retryAutocommit &&
          !this.inTransaction &&
          attempt < TRANSACTION_ATTEMPTS &&
          isLockUnavailable(error)
        if (!retry) throw busyOr(error)
        await sleep(Math.random() * 10 * 2 ** attempt)
      }
    }
  }

  async *streamQuery<R>(
    query: CompiledQuery,
    chunkSize?: number,
  ): AsyncIterableIterator<QueryResult<R>> {
    try {
      yield* this.inner.streamQuery<R>(query, chunkSize)
    } catch (error) {
      throw busyOr(error)
    }
  }
}

class LockAwareDriver implements Driver {
  readonly #inner: Driver
  readonly #beginImmediate: boolean
  readonly #retryAutocommit: boolean
  /** One wrapper per driver connection (PostgreSQL pools several, SQLite has one). */
  readonly #guarded = new WeakMap<DatabaseConnection, GuardedConnection>()

  constructor(
    inner: Driver,
    options: { readonly beginImmediate: boolean; readonly retryAutocommit?: boolean },
  ) {
    this.#inner = inner
    this.#beginImmediate = options.beginImmediate
    this.#retryAutocommit = options.retryAutocommit ?? false
  }

  init(): Promise<void> {
    return this.#inner.init()
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const inner = await this.#inner.acquireConnection()
    let connection = this.#guarded.get(inner)
    if (connection === undefined) {
      connection = new GuardedConnection(inner, this.#retryAutocommit)
      this.#guarded.set(inner, connection)
    }
    return connection
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    markTransaction(connection, true)
    const inner = unwrap(connection)
    if (this.#beginImmediate && settings.accessMode !== 'read only') {
      return guarded(async () => {
        await inner.executeQuery(CompiledQuery.raw('begin immediate'))
      })
    }
    return guarded(() => this.#inner.beginTransaction(inner, settings))
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return guarded(async () => {
      try {
        await this.#inner.commitTransaction(unwrap(connection))
      } finally {
        markTransaction(connection, false)
      }
    })
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return guarded(async () => {
      try {
        await this.#inner.rollbackTransaction(unwrap(connection))
      } finally {
        markTransaction(connection, false)
      }
    })
  }

  savepoint(c: DatabaseConnection, name: string, compile: CompileQuery): Promise<void> {
    return this.#savepointCommand('savepoint', c, name, compile)
  }

  rollbackToSavepoint(c: DatabaseConnection, name: string, compile: CompileQuery): Promise<void> {
    return this.#savepointCommand('rollbackToSavepoint', c, name, compile)
  }

  releaseSavepoint(c: DatabaseConnection, name: string, compile: CompileQuery): Promise<void> {
    return this.#savepointCommand('releaseSavepoint', c, name, compile)
  }

  #savepointCommand(
    command: 'savepoint' | 'rollbackToSavepoint' | 'releaseSavepoint',
    connection: DatabaseConnection,
    name: string,
    compile: CompileQuery,
  ): Promise<void> {
    const method = this.#inner[command]
    if (method === undefined) throw new Error(`${command} is not supported by this driver`)
    return guarded(() => method.call(this.#inner, unwrap(connection), name, compile))
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.#inner.releaseConnection(unwrap(connection))
  }

  destroy(): Promise<void> {
    return this.#inner.destroy()
  }
}

function markTransaction(connection: DatabaseConnection, open: boolean): void {
  if (connection instanceof GuardedConnection) connection.inTransaction = open
}

function unwrap(connection: DatabaseConnection): DatabaseConnection {
  return connection instanceof GuardedConnection ? connection.inner : connection
}
