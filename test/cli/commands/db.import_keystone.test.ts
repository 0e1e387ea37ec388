// `baton db import-keystone` refusing what it cannot read: each a one-line error, exit 1, and
// the target left as it was. The sources are small SQLite files shaped like each case.
import assert from 'node:assert/strict'
import { appendFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import Database from 'better-sqlite3'
import { runBaton, scratchConfig } from '../cli_harness.ts'

function syncedTarget(): { conf: string; dir: string; db: string } {
  const scratch = scratchConfig([])
  const db = join(scratch.dir, 'identity.db')
  appendFileSync(scratch.conf, `[database]\nconnection = sqlite:///${db}\n`)
  return { ...scratch, db }
}

function sqliteFile(dir: string, name: string, statements: readonly string[]): string {
  const path = join(dir, name)
  const db = new Database(path)
  for (const statement of statements) db.exec(statement)
  db.close()
  return path
}

function userCount(db: string): number {
  const conn = new Database(db, { readonly: true })
  try {
    return Number((conn.prepare('select count(*) as n from "user"').get() as { n: number }).n)
  } finally {
    conn.close()
  }
}

async function importFrom(conf: string, from: string) {
  return runBaton(['db', 'import-keystone', '--config-file', conf, '--from', from])
}

test('refuses sources that are not a Keystone 22 database, one line each, writing nothing', async () => {
  const target = syncedTarget()
  assert.equal((await runBaton(['db', 'sync', '--config-file', target.conf])).status, 0)
  const before = statSync(target.db).mtimeMs
  const newer = sqliteFile(target.dir, 'newer.db', [
    'create table alembic_version (version_num varchar(32) primary key)',
    "insert into alembic_version values ('29e87d24a316'), ('e25ffa003242'), ('11c3b243b4cb')",
    'create table project (id text)',
  ])
  const older = sqliteFile(target.dir, 'older.db', [
    'create table migrate_version (repository_id text, version integer)',
    'create table project (id text)',
  ])
  const partial = sqliteFile(target.dir, 'partial.db', [
    'create table alembic_version (version_num varchar(32) primary key)',
    "insert into alembic_version values ('29e87d24a316'), ('e25ffa003242')",
    'create table project (id text)',
  ])
  const cases: ReadonlyArray<readonly [string, RegExp]> = [
    [`sqlite:///${target.db}`, /not a Keystone database \(no alembic_version table\)/],
    [`sqlite:///${newer}`, /not Keystone 22's \(alembic revision 11c3b243b4cb/],
    [`sqlite:///${older}`, /Keystone older than 22/],
    [`sqlite:///${partial}`, /not a Keystone 22 database \(missing tables: user, local_user/],
    [`sqlite:///${join(target.dir, 'absent.db')}`, /cannot open the Keystone database/],
    ['mysql+pymysql://keystone:hunter2@127.0.0.1:1/keystone', /cannot reach the Keystone database/],
    ['postgresql://keystone:hunter2@127.0.0.1:1/keystone', /cannot reach the Keystone database/],
    ['keystone.db', /--from is not a URL/],
  ]
  for (const [from, message] of cases) {
    const run = await importFrom(target.conf, from)
    assert.equal(run.status, 1, `${from}: ${run.stdout}`)
    assert.match(run.stderr, message, from)
    assert.equal(run.stderr.split('\n').length, 1, run.stderr)
    assert.doesNotMatch(run.stderr, /hunter2/)
  }
  assert.equal(userCount(target.db), 0)
  assert.equal(statSync(target.db).mtimeMs, before)
})
