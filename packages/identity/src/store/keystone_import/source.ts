/**
 * Read-only access to a Keystone 22 database for `baton db import-keystone`: SQLite (opened
 * read-only, must exist), PostgreSQL or MySQL/MariaDB (mysql2), named by an oslo.db URL. Rows
 * come back as plain objects; timestamps as the text the database stores (pg's timestamp parser
 * and mysql2's Date conversion are bypassed so no local time zone creeps in), booleans as
 * whatever the driver gives (SQLite's and MySQL's tinyint 0/1, pg's true/false: see
 * `sourceBool`), MySQL's BLOB columns as UTF-8 text like the other drivers' TEXT.
 * @module
 */
import Database from 'better-sqlite3'
import mysql from 'mysql2/promise'
import pg from 'pg'
import { KeystoneImportError } from '../../errors.ts'
import { type MysqlTarget, parseConnectionUrl, redactConnectionUrl } from '../connection_url.ts'

export type SourceRow = Readonly<Record<string, unknown>>

export interface KeystoneSource {
  tables(): Promise<ReadonlySet<string>>
  /** Every row of `table` (a name from `tables()`), ordered by `orderBy` when given. */
  rows(table: string, orderBy?: string): Promise<readonly SourceRow[]>
  close(): Promise<void>
}

const PG_TIMESTAMP_OID = 1114
const PG_TIMESTAMPTZ_OID = 1184
const PG_DATE_OID = 1082
const PG_INT8_OID = 20

export async function openKeystoneSource(url: string): Promise<KeystoneSource> {
  let target: ReturnType<typeof parseConnectionUrl>
  try {
    target = parseConnectionUrl(url)
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace('[database] connection', '') : ''
    throw new KeystoneImportError(`--from${reason}`)
  }
  if (target.dialect === 'sqlite') return openSqliteSource(target.filename)
  if (target.dialect === 'mysql')
    return await openMysqlSource(target.mysql, redactConnectionUrl(url))
  return await openPostgresSource(target.connectionString, redactConnectionUrl(url))
}

function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

function openSqliteSource(filename: string): KeystoneSource {
  if (filename === ':memory:') throw new KeystoneImportError('--from names an in-memory database')
  let db: Database.Database
  try {
    db = new Database(filename, { readonly: true, fileMustExist: true })
    db.prepare('select 1 from sqlite_master limit 1').all()
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new KeystoneImportError(`cannot open the Keystone database ${filename}: ${reason}`)
  }
  return {
    tables: async () =>
      new Set(
        (
          db.prepare("select name from sqlite_master where type = 'table'").all() as SourceRow[]
        ).map((row) => String(row.name)),
      ),
    rows: async (table, orderBy) =>
      db
        .prepare(`select * from ${quote(table)}${orderBy ? ` order by ${quote(orderBy)}` : ''}`)
        .all() as SourceRow[],
    close: async () => {
      db.close()
    },
  }
}

async function openPostgresSource(
  connectionString: string,
  shown: string,
): Promise<KeystoneSource> {
  const client = new pg.Client({
    connectionString,
    connectionTimeoutMillis: 10_000,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === PG_TIMESTAMP_OID || oid === PG_TIMESTAMPTZ_OID || oid === PG_DATE_OID
          ? (text: string) => text
          : oid === PG_INT8_OID
            ? (text: string) => Number(text)
            : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
    },
  })
  client.on('error', () => {})
  try {
    await client.connect()
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    await client.end().catch(() => {})
    throw new KeystoneImportError(`cannot reach the Keystone database ${shown}: ${reason}`)
  }
  // A consistent snapshot of every table, so a Keystone still serving cannot tear the copy.
  await client.query('begin transaction isolation level repeatable read read only')
  return {
    tables: async () => {
      const result = await client.query<{ name: string }>(
        'select table_name as name from information_schema.tables where table_schema = current_schema()',
      )
      return new Set(result.rows.map((row) => row.name))
    },
    rows: async (table, orderBy) =>
      (
        await client.query(
          `select * from ${quote(table)}${orderBy ? ` order by ${quote(orderBy)}` : ''}`,
        )
      ).rows as SourceRow[],
    close: async () => {
      await client.query('rollback').catch(() => {})
      await client.end()
    },
  }
}

async function openMysqlSource(target: MysqlTarget, shown: string): Promise<KeystoneSource> {
  let connection: mysql.Connection
  try {
    connection = await mysql.createConnection({
      host: target.host,
      port: target.port,
      user: target.user,
      password: target.password,
      database: target.database,
      ...(target.socketPath === undefined ? {} : { socketPath: target.socketPath }),
      charset: 'utf8mb4',
      connectTimeout: 10_000,
      // DATETIME as its text (naive UTC, as Keystone writes it), never a local-time Date
      dateStrings: true,
      supportBigNumbers: true,
    })
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new KeystoneImportError(`cannot reach the Keystone database ${shown}: ${reason}`)
  }
  connection.on('error', () => {})
  // A consistent snapshot of every table, so a Keystone still serving cannot tear the copy.
  await connection.query('set session transaction isolation level repeatable read')
  await connection.query('start transaction with consistent snapshot, read only')
  const backquote = (name: string) => `\`${name.replaceAll('`', '``')}\``
  return {
    tables: async () => {
      const [rows] = await connection.query(
        'select table_name as name from information_schema.tables where table_schema = database()',
      )
      return new Set((rows as SourceRow[]).map((row) => String(row.name)))
    },
    rows: async (table, orderBy) => {
      const [rows] = await connection.query(
        `select * from ${backquote(table)}${orderBy ? ` order by ${backquote(orderBy)}` : ''}`,
      )
      return (rows as SourceRow[]).map(textBlobs)
    },
    close: async () => {
      await connection.query('rollback').catch(() => {})
      await connection.end().catch(() => {})
    },
  }
}

/** MySQL BLOB columns arrive as Buffers: read them as the UTF-8 text the other drivers give. */
function textBlobs(row: SourceRow): SourceRow {
  const out: Record<string, unknown> = {}
  for (const [column, item] of Object.entries(row)) {
    out[column] = Buffer.isBuffer(item) ? item.toString('utf8') : item
  }
  return out
}

/** SQLite's 0/1, PostgreSQL's true/false; NULL reads as `fallback`. */
export function sourceBool(value: unknown, fallback = false): boolean {
  if (value === null || value === undefined) return fallback
  return value === true || value === 1 || value === '1' || value === 't'
}

/** Keystone's naive-UTC DATETIME text ('2026-12-07 13:05:01.123456') as BIGINT microseconds. */
export function sourceMicros(value: unknown): number | null {
  if (value === null || value === undefined || value === '') return null
  if (typeof value === 'number') return value
  const text = String(value).trim().replace(' ', 'T')
  const match = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?)?/.exec(text)
  if (!match) return null
  const seconds = Date.parse(`${match[1]}T${match[2] ?? '00:00:00'}Z`)
  if (Number.isNaN(seconds)) return null
  return seconds * 1000 + Number((match[3] ?? '').padEnd(6, '0'))
}

export function sourceText(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value)
}
