import assert from 'node:assert/strict'
import { appendFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import Database from 'better-sqlite3'
import { freshMysqlDatabase, MYSQL_SKIP } from '../../identity/store/store.fixtures.ts'
import { runBaton, scratchConfig } from '../cli_harness.ts'

function databaseConfig(): string {
  const scratch = scratchConfig([])
  appendFileSync(
    scratch.conf,
    `[database]\nconnection = sqlite:///${join(scratch.dir, 'identity.db')}\n`,
  )
  return scratch.conf
}

test('db sync --check exits 2 (expand needed) on a fresh database and 0 after --expand', async () => {
  const conf = databaseConfig()
  const before = await runBaton(['db', 'sync', '--check', '--config-file', conf])
  assert.equal(before.status, 2, before.stderr)
  assert.match(before.stdout, /migrations pending \(at empty, next 0001_resource\).*--expand/)
  assert.equal(before.stderr, '')
  // --check wrote nothing: --check again still says 2
  assert.equal((await runBaton(['db', 'sync', '--check', '--config-file', conf])).status, 2)

  const expand = await runBaton(['db', 'sync', '--expand', '--config-file', conf])
  assert.equal(expand.status, 0, expand.stderr)
  assert.match(expand.stdout, /^Applied \d+ migrations: 0001_resource/)

  const after = await runBaton(['db', 'sync', '--check', '--config-file', conf])
  assert.equal(after.status, 0, after.stderr)
  assert.match(after.stdout, /^The database schema is up to date \(\d{4}_\w+\)\.$/)
})

test('db sync --migrate and --contract refuse while migrations are pending, then succeed', async () => {
  const conf = databaseConfig()
  for (const phase of ['--migrate', '--contract']) {
    const early = await runBaton(['db', 'sync', phase, '--config-file', conf])
    assert.equal(early.status, 1, phase)
    assert.match(
      early.stderr,
      /^baton: db sync --(migrate|contract): \d+ migrations are pending .*--expand/,
    )
  }
  assert.equal((await runBaton(['db', 'sync', '--check', '--config-file', conf])).status, 2)
  assert.equal((await runBaton(['db', 'sync', '--config-file', conf])).status, 0)
  for (const phase of ['--migrate', '--contract', '--expand']) {
    const run = await runBaton(['db', 'sync', phase, '--config-file', conf])
    assert.equal(run.status, 0, `${phase}: ${run.stderr}`)
    assert.equal(run.stdout, 'The database schema is current.', phase)
  }
})

test('db sync takes one phase flag at a time, as keystone-manage does', async () => {
  const conf = databaseConfig()
  const run = await runBaton(['db', 'sync', '--expand', '--check', '--config-file', conf])
  assert.notEqual(run.status, 0)
  assert.match(run.stderr, /cannot be used with/)
})

test('db sync --check on a schema from a newer Baton fails with one line, not 0 or 2', async () => {
  const conf = databaseConfig()
  assert.equal((await runBaton(['db', 'sync', '--config-file', conf])).status, 0)
  const file = join(conf, '..', 'identity.db')
  const sqlite = new Database(file)
  sqlite
    .prepare('insert into baton_migration (name, timestamp) values (?, ?)')
    .run('9999_future', 'now')
  sqlite.close()
  const run = await runBaton(['db', 'sync', '--check', '--config-file', conf])
  assert.equal(run.status, 1)
  assert.match(run.stderr, /^baton: .*migrated by a newer Baton \(9999_future\)/)
})

test('db sync --check, --expand and --check again on MySQL/MariaDB', {
  skip: MYSQL_SKIP,
}, async () => {
  const db = await freshMysqlDatabase()
  await db.database.close()
  try {
    const scratch = scratchConfig([])
    appendFileSync(scratch.conf, `[database]\nconnection = ${db.url}\n`)
    const before = await runBaton(['db', 'sync', '--check', '--config-file', scratch.conf])
    assert.equal(before.status, 2, before.stderr)
    assert.match(before.stdout, /migrations pending \(at empty, next 0001_resource\)/)
    const expand = await runBaton(['db', 'sync', '--expand', '--config-file', scratch.conf])
    assert.equal(expand.status, 0, expand.stderr)
    assert.match(expand.stdout, /^Applied \d+ migrations: 0001_resource/)
    const after = await runBaton(['db', 'sync', '--check', '--config-file', scratch.conf])
    assert.equal(after.status, 0, after.stderr)
    assert.match(after.stdout, /^The database schema is up to date \(\d{4}_\w+\)\.$/)
    const again = await runBaton(['db', 'sync', '--config-file', scratch.conf])
    assert.equal(again.status, 0, again.stderr)
    assert.equal(again.stdout, 'The database schema is current.')
  } finally {
    await db.close()
  }
})
