/**
 * Runs one test suite against every dialect: SQLite always (a fresh in-memory database per test),
 * PostgreSQL when BATON_TEST_PG_URL is set (a fresh schema per test, dropped afterwards, inside a
 * database of this test process's own), MySQL/MariaDB when BATON_TEST_MYSQL_URL is set (a fresh
 * database per test, dropped afterwards), each skipped with a message otherwise.
 * @module
 */
import { randomBytes } from 'node:crypto'
import { afterEach, beforeEach, describe } from 'node:test'
import { sql } from 'kysely'
import mysql from 'mysql2/promise'
import pg from 'pg'
import {
  type Clock,
  createStore,
  migrateToLatest,
  openDatabase,
  type Store,
  type StoreDatabase,
} from '../../../packages/identity/src/store/index.ts'

export const PG_URL = process.env.BATON_TEST_PG_URL

export const PG_SKIP = PG_URL
  ? false
  : 'PostgreSQL variant skipped: BATON_TEST_PG_URL is not set ' +
    '(eval "$(scripts/pg_test_cluster.sh start)" to run it)'

export const MYSQL_URL = process.env.BATON_TEST_MYSQL_URL

export const MYSQL_SKIP = MYSQL_URL
  ? false
  : 'MySQL/MariaDB variant skipped: BATON_TEST_MYSQL_URL is not set ' +
    '(eval "$(scripts/mariadb_test_server.sh start)" to run it)'

export type DialectName = 'sqlite' | 'postgres' | 'mysql'

/** The dialects a suite runs on, each with its skip message (false: it runs). */
export const DIALECTS: ReadonlyArray<readonly [DialectName, string | false]> = [
  ['sqlite', false],
  ['postgres', PG_SKIP],
  ['mysql', MYSQL_SKIP],
]

/** 2030-01-01T00:00:00Z; tests move it by hand. */
export const EPOCH_MS = Date.UTC(2030, 0, 1)

export class FakeClock implements Clock {
  ms = EPOCH_MS
  now(): number {
    return this.ms
  }
  advance(ms: number): void {
    this.ms += ms
  }
}

export interface TestDb {
  readonly database: StoreDatabase
  /** Reopens another connection to the same database (PostgreSQL) or the same one (SQLite). */
  readonly url: string
  close(): Promise<void>
}

/** A fresh, empty (unmigrated) database for the dialect. */
export async function freshDatabase(dialect: DialectName): Promise<TestDb> {
  if (dialect === 'sqlite') {
    const database = openDatabase('sqlite://')
    return { database, url: 'sqlite://', close: () => database.close() }
  }
  if (dialect === 'mysql') return freshMysqlDatabase()
  if (!PG_URL) throw new Error('BATON_TEST_PG_URL is not set')
  const processUrl = await processDatabaseUrl(PG_URL)
  const schema = `t_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: processUrl })
  await admin.connect()
  await admin.query(`create schema ${schema}`)
  await admin.end()
  const separator = processUrl.includes('?') ? '&' : '?'
  const url = `${processUrl}${separator}options=${encodeURIComponent(`-c search_path=${schema}`)}`
  const database = openDatabase(url, { poolMax: 4 })
  return {
    database,
    url,
    async close() {
      await database.close()
      const cleanup = new pg.Client({ connectionString: processUrl })
      await cleanup.connect()
      await cleanup.query(`drop schema ${schema} cascade`)
      await cleanup.end()
    },
  }
}

/** A database of its own on the BATON_TEST_MYSQL_URL server, dropped by `close()`. */
export async function freshMysqlDatabase(): Promise<TestDb> {
  if (!MYSQL_URL) throw new Error('BATON_TEST_MYSQL_URL is not set')
  const base = new URL(MYSQL_URL)
  const name = `baton_t_${process.pid}_${randomBytes(4).toString('hex')}`
  const admin = async (statement: string) => {
    const connection = await mysql.createConnection({
      host: base.hostname,
      port: Number(base.port || 3306),
      user: decodeURIComponent(base.username),
      password: decodeURIComponent(base.password),
    })
    try {
      await connection.query(statement)
    } finally {
      await connection.end()
    }
  }
  await admin(`create database ${name}`)
  const url = new URL(MYSQL_URL)
  url.pathname = `/${name}`
  const database = openDatabase(url.toString(), { poolMax: 4 })
  return {
    database,
    url: url.toString(),
    async close() {
      await database.close()
      await admin(`drop database ${name}`)
    },
  }
}

let processDatabase: Promise<string> | undefined

/**
 * One database per test process: kysely's migrator introspects every schema of its database, and
 * a schema that another process drops meanwhile fails it ("schema ... does not exist"). Test files
 * run in parallel processes, tests inside one file one after another. The cluster is throw-away,
 * so these databases go with it.
 */
function processDatabaseUrl(baseUrl: string): Promise<string> {
  processDatabase ??= (async () => {
    const name = `baton_t_${process.pid}_${randomBytes(3).toString('hex')}`
    const admin = new pg.Client({ connectionString: baseUrl })
    await admin.connect()
    await admin.query(`create database ${name}`)
    await admin.end()
    const url = new URL(baseUrl)
    url.pathname = `/${name}`
    return url.toString()
  })()
  return processDatabase
}

export interface StoreEnv {
  readonly dialect: DialectName
  readonly store: Store
  readonly database: StoreDatabase
  readonly clock: FakeClock
}

/**
 * `describe`s the suite once per dialect; `env()` gives each test its own migrated store.
 * @example
 * eachDialect('projects', (env) => { test('...', async () => { const { store } = env() }) })
 */
export function eachDialect(title: string, suite: (env: () => StoreEnv) => void): void {
  for (const [dialect, skip] of DIALECTS) {
    describe(`${title} [${dialect}]`, { skip }, () => {
      let current: (StoreEnv & { close(): Promise<void> }) | undefined
      beforeEach(async () => {
        const db = await freshDatabase(dialect)
        await migrateToLatest(db.database)
        const clock = new FakeClock()
        current = {
          dialect,
          database: db.database,
          store: createStore(db.database, { clock }),
          clock,
          close: () => db.close(),
        }
      })
      afterEach(async () => {
        await current?.close()
        current = undefined
      })
      suite(() => {
        if (!current) throw new Error('store used outside a test')
        return current
      })
    })
  }
}

/** A domain, project, user, group and role to hang assignments on. */
export async function seedBasics(store: Store) {
  const domain = await store.resource.createDomain({ id: 'default', name: 'Default' })
  const project = await store.resource.createProject({ name: 'admin', domainId: domain.id })
  const user = await store.identity.createUser({ name: 'jdoe', domainId: domain.id })
  const group = await store.identity.createGroup({ name: 'devs', domainId: domain.id })
  const role = await store.assignment.createRole({ name: 'member' })
  return { domain, project, user, group, role }
}

/** Rows in `table` (optionally where `column` = `value`), read straight from SQL. */
export async function rowCount(
  database: StoreDatabase,
  table: string,
  column?: string,
  value?: string,
): Promise<number> {
  const where = column === undefined ? sql`` : sql`where ${sql.ref(column)} = ${value ?? null}`
  const { rows } = await sql<{
    n: number
  }>`select count(*) as n from ${sql.table(table)} ${where}`.execute(database.db)
  return Number(rows[0]?.n ?? 0)
}
