/**
 * Error messages: a bad value names the file, line, `[group] option`, the value and what is allowed;
 * a secret's value never appears in any message; every failure is a `ConfigError` with a stable code.
 * @module
 */
import assert from 'node:assert/strict'
import { chmodSync, writeFileSync } from 'node:fs'
import { describe, test } from 'node:test'
import { ConfigError, ConfigErrorCode, defineGroup, loadConfig, opt, parseIni } from '@baton/config'
import { writeConfigs } from './temp_files.ts'

const tokenGroup = defineGroup('token', {
  expiration: opt.int({ default: 3600, min: 0, help: 'Token lifetime in seconds.' }),
  provider: opt.str({ default: 'fernet', choices: ['fernet'], help: 'Token provider.' }),
  caching: opt.bool({ default: true, help: 'Cache tokens.' }),
})
const dbGroup = defineGroup('database', {
  connection: opt.uri({ help: 'Database URL.', secret: true }),
  pool: opt.int({ help: 'Pool size.', min: 1, secret: true }),
  mode: opt.str({ help: 'Mode.', choices: ['rw', 'ro'], secret: true }),
})

function failure(fn: () => unknown): ConfigError {
  try {
    fn()
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`)
    return err
  }
  assert.fail('expected an error')
}

describe('value errors', () => {
  test('a bad int names file, line, [group] option, the value and what is allowed', () => {
    const [path] = writeConfigs({
      'k.conf': '[DEFAULT]\n\n[token]\nprovider = fernet\nexpiration = soon\n',
    })
    const err = failure(() => loadConfig({ files: [path as string], groups: [tokenGroup] }))
    assert.equal(err.code, ConfigErrorCode.Value)
    assert.equal(err.code, 'BATON_CONFIG_VALUE')
    assert.equal(err.name, 'ConfigError')
    assert.match(
      err.message,
      new RegExp(`^${path}:5: \\[token\\] expiration = 'soon' is not valid`),
    )
    assert.match(err.message, /not an integer/)
    assert.match(err.message, /allowed: an integer >= 0/)
  })

  test('out of bounds, not a choice, bad bool', () => {
    const cases: [string, RegExp][] = [
      [
        'expiration = -1',
        /expiration = '-1' is not valid \(less than the minimum 0\); allowed: an integer >= 0/,
      ],
      [
        'provider = uuid',
        /provider = 'uuid' is not valid \(not one of the choices\); allowed: one of 'fernet'/,
      ],
      [
        'caching = enabled',
        /caching = 'enabled' is not valid \(not a boolean\); allowed: true, 1, on, yes/,
      ],
    ]
    for (const [line, pattern] of cases) {
      const [path] = writeConfigs({ 'k.conf': `[token]\n${line}\n` })
      const err = failure(() => loadConfig({ files: [path as string], groups: [tokenGroup] }))
      assert.match(err.message, new RegExp(`^${path}:2: \\[token\\] `))
      assert.match(err.message, pattern)
    }
  })

  test('environment and override errors name their source', () => {
    const env = failure(() =>
      loadConfig({ env: { OS_TOKEN__EXPIRATION: 'x' }, groups: [tokenGroup] }),
    )
    assert.match(
      env.message,
      /^environment variable OS_TOKEN__EXPIRATION: \[token\] expiration = 'x'/,
    )
    const override = failure(() =>
      loadConfig({ overrides: { token: { expiration: '1.5' } }, groups: [tokenGroup] }),
    )
    assert.match(override.message, /^override of \[token\] expiration = '1.5' is not valid/)
  })

  test('a secret value never appears in a message', () => {
    const secrets = ['hunter2-not-a-url', 'hunter2', 'hunter2mode']
    const lines = [`connection = ${secrets[0]}`, `pool = ${secrets[1]}`, `mode = ${secrets[2]}`]
    for (const [i, line] of lines.entries()) {
      const [path] = writeConfigs({ 'db.conf': `[database]\n${line}\n` })
      const err = failure(() => loadConfig({ files: [path as string], groups: [dbGroup] }))
      assert.equal(err.code, 'BATON_CONFIG_VALUE')
      assert.match(
        err.message,
        new RegExp(`^${path}:2: \\[database\\] \\w+: the value \\(secret, not shown\\)`),
      )
      assert.ok(!err.message.includes('hunter2'), err.message)
      assert.ok(!String(err.cause).includes('hunter2'), 'nor in the cause')
      assert.ok(!(err.stack ?? '').includes(secrets[i] as string), 'nor in the stack')
    }
    const env = failure(() =>
      loadConfig({ env: { OS_DATABASE__POOL: 'hunter2' }, groups: [dbGroup] }),
    )
    assert.ok(!env.message.includes('hunter2'))
  })

  test('a malformed line is located but not echoed (it may hold a secret)', () => {
    const err = failure(() => parseIni('[database]\npassword hunter2\n', 'db.conf'))
    assert.equal(err.code, 'BATON_CONFIG_PARSE')
    assert.equal(err.message, "db.conf:2: No ':' or '=' found in assignment")
  })
})

describe('file errors', () => {
  test('a missing file is a ConfigError naming the path', () => {
    const err = failure(() =>
      loadConfig({ files: ['/nonexistent/keystone.conf'], groups: [tokenGroup] }),
    )
    assert.equal(err.code, 'BATON_CONFIG_FILE')
    assert.equal(err.message, 'config file /nonexistent/keystone.conf: not found')
    assert.equal((err.cause as { code?: string }).code, 'ENOENT', 'the cause is passed through')
  })

  test('a directory, an unreadable file and invalid UTF-8 are file errors too', () => {
    const [dirFile, unreadable, latin1] = writeConfigs({
      'a.conf': '[token]\n',
      'b.conf': '[token]\n',
      'c.conf': '',
    })
    const dir = (dirFile as string).replace(/\/a\.conf$/, '')
    assert.match(failure(() => loadConfig({ files: [dir], groups: [] })).message, /is a directory$/)
    chmodSync(unreadable as string, 0)
    if (process.getuid?.() !== 0) {
      const err = failure(() => loadConfig({ files: [unreadable as string], groups: [] }))
      assert.match(err.message, /permission denied$/)
    }
    writeFileSync(latin1 as string, Buffer.from([0x5b, 0x74, 0x5d, 0x0a, 0x61, 0x3d, 0xe9, 0x0a]))
    const err = failure(() => loadConfig({ files: [latin1 as string], groups: [] }))
    assert.equal(err.code, 'BATON_CONFIG_FILE')
    assert.match(err.message, /not valid UTF-8$/)
  })
})

describe('other codes', () => {
  test('required, unknown override, unknown group, bad declaration', () => {
    const group = defineGroup('svc', {
      password: opt.str({ help: 'p', required: true, secret: true }),
    })
    const required = failure(() => loadConfig({ groups: [group] }))
    assert.equal(required.code, 'BATON_CONFIG_REQUIRED')
    assert.match(required.message, /\[svc\] password is required.*OS_SVC__PASSWORD/)
    const override = failure(() =>
      loadConfig({ overrides: { token: { expiry: '1' } }, groups: [tokenGroup] }),
    )
    assert.equal(override.code, 'BATON_CONFIG_UNKNOWN_OPTION')
    const config = loadConfig({ groups: [tokenGroup] })
    assert.equal(failure(() => config.get(dbGroup)).code, 'BATON_CONFIG_UNKNOWN_GROUP')
    const bad = failure(() => defineGroup('x', { n: opt.int({ help: 'n', default: 5, max: 4 }) }))
    assert.equal(bad.code, 'BATON_CONFIG_DEFINITION')
    const substitution = failure(() =>
      loadConfig({ overrides: { token: { provider: '$nope' } }, groups: [tokenGroup] }),
    )
    assert.equal(substitution.code, 'BATON_CONFIG_SUBSTITUTION')
  })
})
