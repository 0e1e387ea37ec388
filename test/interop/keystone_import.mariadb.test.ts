// Issue 16's cut-over from a Keystone 22 on MariaDB (PyMySQL), read by the import through mysql2:
// the same scenario as on SQLite (keystone_import_scenario.ts). Keystone gets a database of its
// own on the server BATON_TEST_MYSQL_URL names (scripts/mariadb_test_server.sh start), dropped
// afterwards; Baton's store is a database of its own on the same server (the cut-over that keeps
// the database server).
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import mysql from 'mysql2/promise'
import { describeKeystoneImport, scenarioMissing } from './keystone_import_scenario.ts'

const SERVER = process.env.BATON_TEST_MYSQL_URL
const PYMYSQL = '/usr/lib/python3/dist-packages/pymysql'

const skip =
  SERVER === undefined || SERVER === ''
    ? 'BATON_TEST_MYSQL_URL is not set: eval "$(scripts/mariadb_test_server.sh start)"'
    : !existsSync(PYMYSQL)
      ? `${PYMYSQL} not found: apt-get install python3-pymysql (Keystone's MySQL driver)`
      : scenarioMissing

// One run, MariaDB to MariaDB: the SQLite test covers a SQLite target, and each run of the
// scenario (a real Keystone populated through openstackclient) takes minutes.
describeKeystoneImport(
  'baton db import-keystone: from a running Keystone 22 (MariaDB) to Baton (MariaDB)',
  skip,
  async () => {
    const server = new URL(SERVER ?? '')
    const suffix = randomBytes(4).toString('hex')
    const name = `keystone_${suffix}`
    const batonName = `baton_import_${suffix}`
    const admin = async (statements: readonly string[]) => {
      const conn = await mysql.createConnection({
        host: server.hostname,
        port: Number(server.port || 3306),
        user: decodeURIComponent(server.username),
        password: decodeURIComponent(server.password),
      })
      try {
        for (const statement of statements) await conn.query(statement)
      } finally {
        await conn.end()
      }
    }
    await admin([`create database ${name} character set utf8mb4`, `create database ${batonName}`])
    const auth = `${server.username}${server.password === '' ? '' : `:${server.password}`}`
    const url = `mysql+pymysql://${auth}@${server.host}/${name}?charset=utf8mb4`
    return {
      connection: url,
      from: () => url,
      target: `mysql://${auth}@${server.host}/${batonName}?charset=utf8mb4`,
      cleanup: () =>
        admin([`drop database if exists ${name}`, `drop database if exists ${batonName}`]),
    }
  },
)
