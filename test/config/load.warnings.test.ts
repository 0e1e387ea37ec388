/**
 * Unknown and deprecated option names: one warning each (file:line, `[group] name`), never an error,
 * with hints for `[default]` and wrong-case option names; deprecated names still set the option.
 * @module
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { defineGroup, loadConfig, opt } from '@baton/config'
import { writeConfigs } from './temp_files.ts'

const defaults = defineGroup('DEFAULT', { debug: opt.bool({ default: false, help: 'Debug.' }) })
const token = defineGroup('token', {
  expiration: opt.int({ default: 3600, min: 0, help: 'Lifetime.' }),
  caching: opt.bool({
    default: true,
    help: 'Cache.',
    deprecatedNames: [{ name: 'cache_tokens' }, { group: 'cache', name: 'token_caching' }],
  }),
})

describe('warnings', () => {
  test('one warning per unknown option, in a known or an unknown group, never thrown', () => {
    const [path] = writeConfigs({
      'keystone.conf': [
        '[DEFAULT]',
        'debug = true',
        'log_dir = /var/log', // 3: unknown option in a known group
        'log_dir = /tmp', // repeated: no second warning
        '[ldap]',
        'url = ldap://x', // 6: unknown group
        'password = Ld@p', // 7
        '[token]',
        'expiration = 10',
        'provider = uuid', // 10: unknown to this program, even with an odd value
        '[empty_group]',
        '',
      ].join('\n'),
    }) as [string]
    const config = loadConfig({ files: [path], groups: [defaults, token] })
    assert.deepEqual(config.warnings, [
      `${path}:3: [DEFAULT] log_dir: unknown option, ignored`,
      `${path}:6: [ldap] url: unknown option, ignored`,
      `${path}:7: [ldap] password: unknown option, ignored`,
      `${path}:10: [token] provider: unknown option, ignored`,
    ])
    assert.equal(config.get(token).expiration, 10)
  })

  test('the same unknown option in two files warns once, at its first occurrence', () => {
    const files = writeConfigs({ 'a.conf': '[x]\ny = 1\n', 'b.conf': '[X]\ny = 2\n' })
    const config = loadConfig({ files, groups: [] })
    assert.deepEqual(config.warnings, [`${files[0]}:2: [x] y: unknown option, ignored`])
  })

  test('hints: [default] is not [DEFAULT], option names are case-sensitive', () => {
    const [path] = writeConfigs({
      'k.conf': '[default]\ndebug = true\n[TOKEN]\nExpiration = 5\n',
    }) as [string]
    const config = loadConfig({ files: [path], groups: [defaults, token] })
    assert.equal(config.get(defaults).debug, false, 'oslo ignores [default] for DEFAULT options')
    assert.equal(config.get(token).expiration, 3600, 'and Expiration for expiration')
    assert.match(
      config.warnings[0] as string,
      /:2: \[default\] debug: unknown option, ignored \(did you mean \[DEFAULT\]\?/,
    )
    assert.match(
      config.warnings[1] as string,
      /:4: \[TOKEN\] Expiration: .*did you mean expiration\? option names are case-sensitive/,
    )
  })

  test('deprecated names set the option and warn once', () => {
    const [path] = writeConfigs({ 'k.conf': '[token]\ncache_tokens = false\n' }) as [string]
    const config = loadConfig({ files: [path], groups: [token] })
    assert.equal(config.get(token).caching, false)
    assert.deepEqual(config.warnings, [
      `${path}:2: [token] cache_tokens: deprecated name, use [token] caching`,
    ])
    const [other] = writeConfigs({ 'k.conf': '[cache]\ntoken_caching = no\n' }) as [string]
    assert.equal(loadConfig({ files: [other], groups: [token] }).get(token).caching, false)
  })

  test('a newer file with a deprecated name beats an older file with the current one', () => {
    const files = writeConfigs({
      'a.conf': '[token]\ncaching = true\n',
      'b.conf': '[token]\ncache_tokens = false\n',
    })
    assert.equal(loadConfig({ files, groups: [token] }).get(token).caching, false)
    const same = writeConfigs({ 'a.conf': '[token]\ncaching = true\ncache_tokens = false\n' })
    assert.equal(
      loadConfig({ files: same, groups: [token] }).get(token).caching,
      true,
      'within a file the current name wins',
    )
  })
})
