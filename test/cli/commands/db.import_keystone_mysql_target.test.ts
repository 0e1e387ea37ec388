/**
 * `baton db import-keystone` into a MySQL/MariaDB store: refused up front, in one line, without
 * the password and before any connection (the import's upserts have no MySQL form yet).
 * @module
 */
import assert from 'node:assert/strict'
import { appendFileSync } from 'node:fs'
import { test } from 'node:test'
import { runBaton, scratchConfig } from '../cli_harness.ts'

test('importing into a MySQL/MariaDB store is refused in one line, password unechoed', async () => {
  const scratch = scratchConfig([])
  appendFileSync(
    scratch.conf,
    '[database]\nconnection = mysql+pymysql://baton:hunter2@127.0.0.1:1/baton\n',
  )
  const run = await runBaton([
    'db',
    'import-keystone',
    '--config-file',
    scratch.conf,
    '--from',
    'sqlite:////nonexistent/keystone.db',
  ])
  assert.equal(run.status, 1, run.stdout)
  assert.match(run.stderr, /importing into a MySQL\/MariaDB store is not supported yet/)
  assert.equal(run.stderr.split('\n').length, 1, run.stderr)
  assert.doesNotMatch(run.stderr, /hunter2/)
})
