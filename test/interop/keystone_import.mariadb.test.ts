// Issue 16's cut-over from a Keystone 22 on MariaDB (PyMySQL), read by the import through mysql2:
// the same scenario as on SQLite (keystone_import_scenario.ts). Keystone gets a database of its
// own on the server BATON_TEST_MYSQL_URL names (scripts/mariadb_test_server.sh start), dropped
// afterwards; Baton's store stays SQLite.
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

describeKeystoneImport(
  'baton db import-keystone: from a running Keystone 22 (MariaDB) to Baton',
  skip,
  async () => {
    const server = new URL(SERVER ?? '')
    const name = `keystone_${randomBytes(4).toString('hex')}`
    const admin = () =>
      mysql.createConnection({
        host: server.hostname,
        port: Number(server.port || 3306),
        user: decodeURIComponent(server.username),
        password: decodeURIComponent(server.password),
      })
    const conn = await admin()
    await conn.query(`create database ${name} character set utf8mb4`)
    await conn.end()
    const auth = `${server.username}${server.password === '' ? '' : `:${server.password}`}`
    const url = `mysql+pymysql://${auth}@${server.host}/${name}?charset=utf8mb4`
    return {
      connection: url,
      from: () => url,
      cleanup: async () => {
        const drop = await admin()
        await drop.query(`drop database if exists ${name}`)
        await drop.end()
      },
    }
  },
)
