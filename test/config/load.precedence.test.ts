/**
 * Where values come from: overrides > `OS_<GROUP>__<OPTION>` > files (later wins) > default, and
 * `sources()` says which one won (secrets redacted there and in `dump()`).
 * @module
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { defineGroup, envName, loadConfig, opt } from '@baton/config'
import { writeConfigs } from './temp_files.ts'

const tokenGroup = defineGroup('token', {
  expiration: opt.int({ default: 3600, min: 0, help: 'Token lifetime in seconds.' }),
  allow_expired_window: opt.int({ default: 172800, min: 0, help: 'Window.' }),
  provider: opt.str({ default: 'fernet', choices: ['fernet'], help: 'Provider.' }),
})
const defaults = defineGroup('DEFAULT', {
  debug: opt.bool({ default: false, help: 'Debug.' }),
  admin_token: opt.str({ help: 'Bootstrap token.', secret: true }),
})

describe('precedence', () => {
  const [base, site] = writeConfigs({
    'keystone.conf':
      '[DEFAULT]\ndebug = true\nadmin_token = s3cret\n[token]\nexpiration = 100\nallow_expired_window = 10\n',
    'override.conf': '[TOKEN]\nexpiration = 200\n',
  }) as [string, string]

  test('default, then files (later wins), then env, then overrides', () => {
    const groups = [tokenGroup, defaults]
    assert.equal(loadConfig({ groups }).get(tokenGroup).expiration, 3600)
    assert.equal(loadConfig({ files: [base], groups }).get(tokenGroup).expiration, 100)
    assert.equal(loadConfig({ files: [base, site], groups }).get(tokenGroup).expiration, 200)
    assert.equal(loadConfig({ files: [site, base], groups }).get(tokenGroup).expiration, 100)
    const env = { OS_TOKEN__EXPIRATION: '300' }
    assert.equal(loadConfig({ files: [base, site], env, groups }).get(tokenGroup).expiration, 300)
    const overrides = { token: { expiration: '60' } }
    const all = loadConfig({ files: [base, site], env, overrides, groups })
    assert.equal(all.get(tokenGroup).expiration, 60)
    // options set in one layer only keep coming from it
    assert.equal(all.get(tokenGroup).allow_expired_window, 10)
    assert.equal(all.get(tokenGroup).provider, 'fernet')
  })

  test('sources() names the winning layer', () => {
    const config = loadConfig({
      files: [base, site],
      env: { OS_TOKEN__ALLOW_EXPIRED_WINDOW: '5', OS_DEFAULT__DEBUG: 'no' },
      overrides: { token: { provider: 'fernet' } },
      groups: [tokenGroup, defaults],
    })
    const s = config.sources(tokenGroup)
    assert.deepEqual(s.expiration.source, { kind: 'file', path: site, line: 2 })
    assert.equal(s.expiration.display, '200')
    assert.deepEqual(s.allow_expired_window.source, {
      kind: 'env',
      variable: 'OS_TOKEN__ALLOW_EXPIRED_WINDOW',
    })
    assert.deepEqual(s.provider.source, { kind: 'override' })
    assert.equal(config.get(defaults).debug, false)
    assert.deepEqual(config.sources(defaults).debug.source, {
      kind: 'env',
      variable: 'OS_DEFAULT__DEBUG',
    })
  })

  test('secrets are redacted in sources() and dump()', () => {
    const config = loadConfig({ files: [base], groups: [tokenGroup, defaults] })
    assert.equal(config.get(defaults).admin_token, 's3cret')
    const source = config.sources(defaults).admin_token
    assert.equal(source.display, '****')
    assert.equal(source.secret, true)
    const dump = config.dump()
    assert.ok(!dump.includes('s3cret'), dump)
    assert.match(dump, /^\[DEFAULT\]\n# from .*keystone\.conf:2\ndebug = true\n/)
    assert.match(dump, /admin_token = \*\*\*\*/)
    assert.match(dump, /\[token\]\n# from .*override\.conf:2|\[token\]\n# from .*keystone\.conf:5/)
  })
})

describe('environment variables', () => {
  test('OS_<GROUP>__<OPTION> upper-cased; DEFAULT is OS_DEFAULT__', () => {
    assert.equal(envName('token', 'expiration'), 'OS_TOKEN__EXPIRATION')
    assert.equal(envName('DEFAULT', 'debug'), 'OS_DEFAULT__DEBUG')
    assert.equal(
      envName('keystone_authtoken', 'www_authenticate_uri'),
      'OS_KEYSTONE_AUTHTOKEN__WWW_AUTHENTICATE_URI',
    )
  })

  test('names are case-sensitive and unrelated OS_ variables are ignored', () => {
    const config = loadConfig({
      env: {
        os_token__expiration: '1',
        OS_token__expiration: '2',
        OS_AUTH_URL: 'http://x',
        OS_TOKEN__NOPE: '3',
      },
      groups: [tokenGroup],
    })
    assert.equal(config.get(tokenGroup).expiration, 3600)
    assert.deepEqual(config.warnings, [])
  })

  test('an empty variable is a value (an empty number falls back to the default, with a warning)', () => {
    const config = loadConfig({ env: { OS_TOKEN__EXPIRATION: '' }, groups: [tokenGroup] })
    assert.equal(config.get(tokenGroup).expiration, 3600)
    assert.equal(config.warnings.length, 1)
    assert.match(config.warnings[0] as string, /OS_TOKEN__EXPIRATION.*empty.*None.*default 3600/)
  })
})

describe('multiple files', () => {
  const group = defineGroup('oslo_policy', {
    policy_dirs: opt.multiStr({ help: 'Policy dirs.' }),
    policy_file: opt.str({ default: 'policy.yaml', help: 'Policy file.' }),
  })

  test('multiStr accumulates across files in order; single values take the newest file', () => {
    const files = writeConfigs({
      'a.conf': '[oslo_policy]\npolicy_dirs = a1\npolicy_file = a.yaml\npolicy_dirs = a2\n',
      'b.conf': '[oslo_policy]\npolicy_file = b.yaml\n',
      'c.conf': '[Oslo_Policy]\npolicy_dirs = c1\n',
    })
    const config = loadConfig({ files, groups: [group] })
    assert.deepEqual(config.get(group).policy_dirs, ['a1', 'a2', 'c1'])
    assert.equal(config.get(group).policy_file, 'b.yaml')
    assert.equal(config.get(group), config.get(group), 'the values are computed once')
    assert.ok(Object.isFrozen(config.get(group)) && Object.isFrozen(config.get(group).policy_dirs))
  })

  test('an override of a multiStr replaces every file value', () => {
    const files = writeConfigs({ 'a.conf': '[oslo_policy]\npolicy_dirs = a1\n' })
    const overrides = { oslo_policy: { policy_dirs: ['x', 'y'] } }
    assert.deepEqual(loadConfig({ files, overrides, groups: [group] }).get(group).policy_dirs, [
      'x',
      'y',
    ])
  })

  test('groups of the same name from several packages merge', () => {
    const more = defineGroup('oslo_policy', {
      enforce_scope: opt.bool({ default: false, help: 'e' }),
    })
    const config = loadConfig({
      files: writeConfigs({ 'a.conf': '[oslo_policy]\nenforce_scope = on\n' }),
      groups: [group, more],
    })
    assert.equal(config.get(more).enforce_scope, true)
    assert.equal(config.get(group).policy_file, 'policy.yaml')
    assert.deepEqual(config.warnings, [])
  })
})
