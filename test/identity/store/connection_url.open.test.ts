import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { sql } from 'kysely'
import {
  parseConnectionUrl,
  redactConnectionUrl,
} from '../../../packages/identity/src/store/connection_url.ts'
import {
  isSchemaCurrent,
  migrateToLatest,
  openDatabase,
  StoreConfigError,
} from '../../../packages/identity/src/store/index.ts'

describe('[database] connection URLs follow SQLAlchemy', () => {
  test('sqlite:// and sqlite:///:memory: are in-memory', () => {
    for (const url of ['sqlite://', 'sqlite:///', 'sqlite:///:memory:']) {
      assert.deepEqual(parseConnectionUrl(url), { dialect: 'sqlite', filename: ':memory:' }, url)
    }
  })

  test('three slashes are relative to the working directory, four are absolute', () => {
    assert.deepEqual(parseConnectionUrl('sqlite:///keystone.db', '/var/lib/baton'), {
      dialect: 'sqlite',
      filename: '/var/lib/baton/keystone.db',
    })
    assert.deepEqual(parseConnectionUrl('sqlite:///data/ks.db', '/srv'), {
      dialect: 'sqlite',
      filename: '/srv/data/ks.db',
    })
    assert.deepEqual(parseConnectionUrl('sqlite:////var/lib/keystone/keystone.db', '/srv'), {
      dialect: 'sqlite',
      filename: '/var/lib/keystone/keystone.db',
    })
  })

  test('the pysqlite driver name and query options are accepted', () => {
    assert.deepEqual(parseConnectionUrl('sqlite+pysqlite:////tmp/ks.db?timeout=30'), {
      dialect: 'sqlite',
      filename: '/tmp/ks.db',
    })
  })

  test('a sqlite URL with a host is refused', () => {
    assert.throws(() => parseConnectionUrl('sqlite://host/ks.db'), StoreConfigError)
  })

  test('postgresql URLs, with or without an SQLAlchemy driver, become libpq URLs', () => {
    assert.deepEqual(parseConnectionUrl('postgresql://ks:pw@db.example:5433/keystone'), {
      dialect: 'postgres',
      connectionString: 'postgresql://ks:pw@db.example:5433/keystone',
    })
    assert.deepEqual(
      parseConnectionUrl('postgresql+psycopg2://ks:pw@db/keystone?sslmode=require'),
      {
        dialect: 'postgres',
        connectionString: 'postgresql://ks:pw@db/keystone?sslmode=require',
      },
    )
  })

  test('mysql URLs in oslo.db spellings parse, query options included', () => {
    assert.deepEqual(
      parseConnectionUrl(
        'mysql+pymysql://keystone:s%40cret@db.example:3307/keystone?charset=utf8mb4',
      ),
      {
        dialect: 'mysql',
        mysql: {
          host: 'db.example',
          port: 3307,
          user: 'keystone',
          password: 's@cret',
          database: 'keystone',
          charset: 'utf8mb4',
        },
      },
    )
    for (const scheme of ['mysql', 'mysql+mysqldb', 'MYSQL+PyMySQL']) {
      const target = parseConnectionUrl(`${scheme}://ks:pw@db/keystone`)
      assert.equal(target.dialect, 'mysql', scheme)
      if (target.dialect === 'mysql') assert.equal(target.mysql.port, 3306, scheme)
    }
    const socket = parseConnectionUrl(
      'mysql+pymysql://ks:pw@localhost/keystone?unix_socket=/run/mysqld/mysqld.sock&charset=utf8',
    )
    assert.ok(socket.dialect === 'mysql')
    assert.equal(socket.mysql.socketPath, '/run/mysqld/mysqld.sock')
    assert.equal(socket.mysql.charset, 'utf8mb4')
  })

  test('a mysql URL without a database or with a narrow charset is refused, password unechoed', () => {
    for (const url of [
      'mysql+pymysql://ks:s3cret@db/',
      'mysql+pymysql://ks:s3cret@db/keystone?charset=latin1',
    ]) {
      assert.throws(
        () => parseConnectionUrl(url),
        (error: unknown) => {
          assert.ok(error instanceof StoreConfigError, url)
          assert.doesNotMatch(error.message, /s3cret/)
          return true
        },
      )
    }
  })

  test('a mysql URL opens a MySQL store lazily (no connection until the first query)', async () => {
    const database = openDatabase('mysql+pymysql://keystone:s3cret@127.0.0.1:1/keystone')
    assert.equal(database.dialect, 'mysql')
    await database.close()
  })

  test('an unsupported scheme is named in the error and the password is not', () => {
    assert.throws(
      () => parseConnectionUrl('mssql+pyodbc://keystone:s3cret@db/keystone'),
      (error: unknown) => {
        assert.ok(error instanceof StoreConfigError)
        assert.match(error.message, /unsupported database scheme 'mssql\+pyodbc'/)
        assert.doesNotMatch(error.message, /s3cret/)
        return true
      },
    )
  })

  test('postgres:// gets a hint, and a URL without a scheme is not echoed', () => {
    assert.throws(() => parseConnectionUrl('postgres://u:p@h/db'), /spells it postgresql:\/\//)
    assert.throws(
      () => parseConnectionUrl('keystone:s3cret@db/keystone'),
      (error: unknown) => {
        assert.ok(error instanceof StoreConfigError)
        assert.doesNotMatch(error.message, /s3cret/)
        return true
      },
    )
  })

  test('redaction hides the password only', () => {
    assert.equal(
      redactConnectionUrl('postgresql://ks:p@ss:w0rd@db:5432/keystone'),
      'postgresql://ks:***@db:5432/keystone',
    )
    assert.equal(redactConnectionUrl('sqlite:////a/b.db'), 'sqlite:////a/b.db')
  })
})

describe('opening databases', () => {
  test('a SQLite file opens in WAL mode with foreign keys and a busy timeout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-store-'))
    try {
      const database = openDatabase('sqlite:///ks.db', { cwd: dir, busyTimeoutMs: 1234 })
      const pragma = async (name: string) =>
        (await sql.raw<Record<string, unknown>>(`pragma ${name}`).execute(database.db)).rows[0]
      assert.deepEqual(await pragma('journal_mode'), { journal_mode: 'wal' })
      assert.deepEqual(await pragma('foreign_keys'), { foreign_keys: 1 })
      assert.deepEqual(await pragma('busy_timeout'), { timeout: 1234 })
      await migrateToLatest(database)
      await database.close()
      const reopened = openDatabase(`sqlite:///${join(dir, 'ks.db')}`)
      assert.equal(await isSchemaCurrent(reopened), true)
      await reopened.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  test('a SQLite file in a missing directory fails with a StoreConfigError', () => {
    assert.throws(
      () => openDatabase('sqlite:////nonexistent-baton-dir/ks.db'),
      (error: unknown) => error instanceof StoreConfigError && /ks\.db/.test(error.message),
    )
  })

  test('an unreachable PostgreSQL fails on first use without echoing the password', async () => {
    const database = openDatabase('postgresql://ks:topsecret@127.0.0.1:1/keystone')
    try {
      await assert.rejects(migrateToLatest(database), (error: unknown) => {
        assert.ok(error instanceof Error)
        assert.doesNotMatch(String(error.message), /topsecret/)
        return true
      })
    } finally {
      await database.close()
    }
  })
})
