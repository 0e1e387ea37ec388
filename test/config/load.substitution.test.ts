/**
 * `$name` substitution beyond the golden scenarios: reference cycles are errors, options this
 * program does not declare (but Keystone does) expand to their file text, and env/override values
 * are substituted too.
 * @module
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ConfigError, defineGroup, loadConfig, opt } from '@baton/config'
import { writeConfigs } from './temp_files.ts'

const db = defineGroup('database', {
  connection: opt.str({ help: 'URL.', secret: true }),
  backup: opt.str({ help: 'Backup URL.' }),
})

test('a reference cycle is a substitution error, not a stack overflow', () => {
  const [path] = writeConfigs({
    'k.conf': `[database]\nconnection = $backup\nbackup = \${database.connection}\n`,
  }) as [string]
  assert.throws(
    () => loadConfig({ files: [path], groups: [db] }),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.code === 'BATON_CONFIG_SUBSTITUTION' &&
      /refers back to itself/.test(e.message),
  )
})

test('an option only Keystone declares expands to its text from the files', () => {
  const [path] = writeConfigs({
    'k.conf': `[DEFAULT]\nstate_path = /var/lib/keystone\n[database]\nconnection = sqlite:///$state_path/ks.db\nbackup = \${ldap.url}/x\n[ldap]\nurl = ldap://$state_path\n`,
  }) as [string]
  const config = loadConfig({ files: [path], groups: [db] })
  assert.equal(config.get(db).connection, 'sqlite:////var/lib/keystone/ks.db')
  assert.equal(config.get(db).backup, 'ldap:///var/lib/keystone/x')
})

test('environment and override values are substituted; $$ and \\$ are a literal $', () => {
  const config = loadConfig({
    env: { OS_DATABASE__BACKUP: 'copy of $connection' },
    overrides: { database: { connection: 'pa$$word\\$' } },
    groups: [db],
  })
  assert.equal(config.get(db).connection, 'pa$word$')
  assert.equal(config.get(db).backup, 'copy of pa$word$')
})

test('an unknown reference names the option being read, not a secret value', () => {
  assert.throws(
    () => loadConfig({ overrides: { database: { connection: 'hunter2$nope' } }, groups: [db] }),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError)
      assert.match(
        err.message,
        /^override of \[database\] connection: cannot substitute \$nope: no option nope/,
      )
      assert.ok(!err.message.includes('hunter2'))
      return true
    },
  )
})
