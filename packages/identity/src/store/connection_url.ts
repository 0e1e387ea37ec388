/**
 * Parses Keystone's `[database] connection` (an SQLAlchemy URL) into what Baton can open.
 * SQLAlchemy's rules: `sqlite://` and `sqlite:///:memory:` are in-memory, `sqlite:///rel/path` is
 * relative to the working directory, `sqlite:////abs/path` is absolute; PostgreSQL is
 * `postgresql[+psycopg2|+psycopg]://user:pw@host:port/db?...`; MySQL/MariaDB is
 * `mysql[+pymysql|+mysqldb]://user:pw@host:port/db?charset=utf8mb4&unix_socket=...` (oslo.db's
 * spellings). Errors name the scheme and never echo a password.
 * @module
 */
import { isAbsolute, resolve } from 'node:path'
import { StoreConfigError } from '../errors.ts'

export type ConnectionTarget =
  | { readonly dialect: 'sqlite'; readonly filename: string } // ':memory:' or an absolute path
  | { readonly dialect: 'postgres'; readonly connectionString: string }
  | { readonly dialect: 'mysql'; readonly mysql: MysqlTarget }

/** Where a `mysql://` URL points; the password is percent-decoded, never logged. */
export interface MysqlTarget {
  readonly host: string
  readonly port: number
  readonly user: string
  readonly password: string
  readonly database: string
  /** `?unix_socket=/run/mysqld/mysqld.sock` (PyMySQL's spelling) instead of host and port. */
  readonly socketPath?: string
  /** `?charset=`; Baton always talks utf8mb4, so only utf8mb4 (or utf8, its alias) is accepted. */
  readonly charset: 'utf8mb4'
}

const SQLITE_SCHEMES = new Set(['sqlite', 'sqlite+pysqlite'])
const POSTGRES_SCHEMES = new Set(['postgresql', 'postgresql+psycopg2', 'postgresql+psycopg'])
const MYSQL_SCHEMES = new Set(['mysql', 'mysql+pymysql', 'mysql+mysqldb'])
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/s

/**
 * The URL with any password replaced by `***`, fit for logs and error messages. Everything up to
 * the last `@` goes, so an unescaped `@` in a password cannot leak its tail.
 */
export function redactConnectionUrl(url: string): string {
  return url.replace(/^([^:/]+:\/\/[^:/@]*:).*@/, '$1***@')
}

/**
 * @example parseConnectionUrl('sqlite:///keystone.db', '/var/lib/baton') // filename /var/lib/baton/keystone.db
 */
export function parseConnectionUrl(url: string, cwd: string = process.cwd()): ConnectionTarget {
  const match = SCHEME.exec(url.trim())
  if (!match) {
    // Not even a scheme, so there is no telling where a password might be: echo nothing.
    throw new StoreConfigError('[database] connection is not a URL (expected scheme://...)')
  }
  const scheme = (match[1] ?? '').toLowerCase()
  const rest = match[2] ?? ''
  if (SQLITE_SCHEMES.has(scheme)) return parseSqlite(rest, cwd)
  if (POSTGRES_SCHEMES.has(scheme)) {
    // pg understands the libpq URL form; only the SQLAlchemy driver suffix has to go.
    return { dialect: 'postgres', connectionString: `postgresql://${rest}` }
  }
  if (MYSQL_SCHEMES.has(scheme)) return { dialect: 'mysql', mysql: parseMysql(rest) }
  const hint =
    scheme === 'postgres'
      ? ' (SQLAlchemy spells it postgresql://)'
      : ' (use sqlite, postgresql or mysql+pymysql)'
  throw new StoreConfigError(
    `[database] connection: unsupported database scheme '${scheme}'${hint}`,
  )
}

function parseSqlite(rest: string, cwd: string): ConnectionTarget {
  // Query options (pysqlite's timeout, uri, ...) have no better-sqlite3 meaning; ignore them.
  const withoutQuery = rest.split('?')[0] ?? ''
  const slash = withoutQuery.indexOf('/')
  const host = slash === -1 ? withoutQuery : withoutQuery.slice(0, slash)
  if (host !== '') {
    throw new StoreConfigError(
      `[database] connection: sqlite URLs take no host ('sqlite:///relative' or 'sqlite:////absolute')`,
    )
  }
  const path = slash === -1 ? '' : decodeURIComponent(withoutQuery.slice(slash + 1))
  if (path === '' || path === ':memory:') return { dialect: 'sqlite', filename: ':memory:' }
  return { dialect: 'sqlite', filename: isAbsolute(path) ? path : resolve(cwd, path) }
}

function parseMysql(rest: string): MysqlTarget {
  let url: URL
  try {
    // The scheme only carries the authority and path through WHATWG's parser; never echoed.
    url = new URL(`mysql://${rest}`)
  } catch {
    throw new StoreConfigError('[database] connection: malformed mysql URL')
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''))
  if (database === '' || database.includes('/')) {
    throw new StoreConfigError(
      '[database] connection: a mysql URL names one database (mysql+pymysql://user:pw@host/db)',
    )
  }
  const charset = (url.searchParams.get('charset') ?? 'utf8mb4').toLowerCase()
  if (charset !== 'utf8mb4' && charset !== 'utf8') {
    throw new StoreConfigError(
      `[database] connection: charset '${charset}' is not supported (Baton stores utf8mb4)`,
    )
  }
  const port = url.port === '' ? 3306 : Number(url.port)
  const socketPath = url.searchParams.get('unix_socket')
  return {
    host: url.hostname === '' ? 'localhost' : decodeURIComponent(url.hostname),
    port,
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database,
    charset: 'utf8mb4',
    ...(socketPath ? { socketPath } : {}),
  }
}
