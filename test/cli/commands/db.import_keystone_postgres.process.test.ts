// `baton db import-keystone --from postgresql+psycopg2://...`: a real Keystone 22 schema built on
// PostgreSQL by Debian's keystone-manage (db_sync, bootstrap) in a database of its own, imported
// into a SQLite Baton with ids, hashes and times intact. Needs BATON_TEST_PG_URL (.ci/run's
// throw-away cluster) and python3-psycopg2 for keystone-manage.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import Database from 'better-sqlite3'
import pg from 'pg'
import { runBaton } from '../cli_harness.ts'

const KEYSTONE_MANAGE = '/usr/bin/keystone-manage'
const PG_URL = process.env.BATON_TEST_PG_URL

function psycopg2Missing(): boolean {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import psycopg2'], { stdio: 'ignore' })
    return false
  } catch {
    return true
  }
}

const skip = !existsSync(KEYSTONE_MANAGE)
  ? `${KEYSTONE_MANAGE} not found: apt-get install python3-keystone keystone`
  : PG_URL === undefined
    ? 'BATON_TEST_PG_URL is not set (scripts/pg_test_cluster.sh start)'
    : psycopg2Missing()
      ? 'python3-psycopg2 is not installed (keystone-manage needs it for PostgreSQL)'
      : false

const dbName = `keystone_${randomBytes(5).toString('hex')}`
let keystoneUrl = ''

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}

before(async () => {
  if (skip !== false || PG_URL === undefined) return
  await admin(`create database ${dbName}`)
  const base = new URL(PG_URL)
  base.pathname = `/${dbName}`
  keystoneUrl = base.toString().replace(/^postgresql:/, 'postgresql+psycopg2:')
  const dir = mkdtempSync(join(tmpdir(), 'baton-keystone-pg-'))
  const conf = join(dir, 'keystone.conf')
  writeFileSync(
    conf,
    [
      '[database]',
      `connection = ${keystoneUrl}`,
      '[fernet_tokens]',
      `key_repository = ${join(dir, 'fernet-keys')}`,
      '[identity]',
      'password_hash_rounds = 4',
      '',
    ].join('\n'),
  )
  const manage = (args: readonly string[]) =>
    execFileSync(KEYSTONE_MANAGE, ['--config-file', conf, ...args], {
      stdio: 'ignore',
      env: { PATH: '/usr/bin:/bin', HOME: tmpdir(), LANG: 'C.UTF-8' },
    })
  const who = (flag: string) => execFileSync('id', [flag]).toString().trim()
  manage(['db_sync'])
  manage(['fernet_setup', '--keystone-user', who('-un'), '--keystone-group', who('-gn')])
  manage([
    'bootstrap',
    '--bootstrap-password',
    'keystone-admin-pw',
    '--bootstrap-public-url',
    'http://127.0.0.1:5000/v3/',
    '--bootstrap-region-id',
    'RegionOne',
  ])
})

after(async () => {
  if (skip === false && keystoneUrl !== '') await admin(`drop database if exists ${dbName}`)
})

test('a Keystone 22 on PostgreSQL is imported with its ids, hashes and times', {
  skip,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'baton-import-target-'))
  const db = join(dir, 'identity.db')
  const conf = join(dir, 'identity.conf')
  writeFileSync(conf, `[database]\nconnection = sqlite:///${db}\n`)
  assert.equal((await runBaton(['db', 'sync', '--config-file', conf])).status, 0)
  const run = await runBaton([
    'db',
    'import-keystone',
    '--config-file',
    conf,
    '--from',
    keystoneUrl,
  ])
  assert.equal(run.status, 0, run.stderr)
  assert.match(run.stdout, /\n {2}user: 1\n/)

  const source = new pg.Client({ connectionString: keystoneUrl.replace('+psycopg2', '') })
  await source.connect()
  const expected = await source.query<{ id: string; password_hash: string; created: string }>(
    `select u.id, p.password_hash, p.created_at_int::text as created from "user" u
       join local_user l on l.user_id = u.id join password p on p.local_user_id = l.id`,
  )
  const roles = await source.query<{ id: string; name: string }>(
    'select id, name from role order by id',
  )
  await source.end()
  const target = new Database(db, { readonly: true })
  try {
    const users = target
      .prepare(
        'select u.id, p.password_hash, cast(p.created_at as text) as created from "user" u join password p on p.user_id = u.id',
      )
      .all()
    assert.deepEqual(
      users,
      expected.rows.map((row) => ({ ...row })),
    )
    assert.deepEqual(
      target.prepare('select id, name from role order by id').all(),
      roles.rows.map((row) => ({ ...row })),
    )
    assert.equal(
      (target.prepare('select count(*) as n from system_assignment').get() as { n: number }).n,
      1,
    )
  } finally {
    target.close()
  }
})
