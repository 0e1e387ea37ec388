/**
 * Options OpenStack declares that a program knowingly does not read (`known: openstackOptions`)
 * are listed in `config.unused`, not warned about; a typo still warns, with a did-you-mean from
 * the declared and the known names; a loader that shares its file with another program
 * (`otherGroups: 'ignore'`) judges only its own sections.
 * @module
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  checkConfig,
  defineGroup,
  loadConfig,
  openstackOptions,
  opt,
  unusedSummary,
} from '@baton/config'
import { writeConfigs } from './temp_files.ts'

const token = defineGroup('token', {
  expiration: opt.int({ default: 3600, min: 0, help: 'Lifetime.' }),
})
const authtoken = defineGroup('keystone_authtoken', {
  www_authenticate_uri: opt.str({ help: 'Where clients authenticate.' }),
})

const KEYSTONE = [
  '[DEFAULT]',
  'transport_url = rabbit://guest:guest@localhost:5672//', // 2: oslo.messaging
  'log_dir = /var/log/keystone', // 3: oslo.log
  '[token]',
  'expiration = 7200',
  'revoke_by_id = false', // 6: Keystone
  '[cache]',
  'backend = oslo_cache.memcache_pool', // 8: oslo.cache
  'enabled = true', // 9
  '[oslo_messaging_notifications]',
  'driver = messagingv2', // 11
  '',
].join('\n')

describe('known but unused options', () => {
  test('are listed with who declares them, and are not warnings', () => {
    const [path] = writeConfigs({ 'keystone.conf': KEYSTONE }) as [string]
    const config = loadConfig({ files: [path], groups: [token], known: openstackOptions })
    assert.deepEqual(config.warnings, [])
    assert.deepEqual(
      config.unused.map((e) => `${e.line} [${e.section}] ${e.name} ${e.origin}`),
      [
        '2 [DEFAULT] transport_url oslo.messaging',
        '3 [DEFAULT] log_dir oslo.log',
        '6 [token] revoke_by_id Keystone',
        '8 [cache] backend oslo.cache',
        '9 [cache] enabled oslo.cache',
        '11 [oslo_messaging_notifications] driver oslo.messaging',
      ],
    )
    assert.equal(config.get(token).expiration, 7200)
    assert.equal(
      unusedSummary(config.unused),
      "6 options set in the config files are OpenStack's but not used by Baton " +
        '(oslo.cache 2, oslo.messaging 2, Keystone 1, oslo.log 1)',
    )
  })

  test('without the catalog each of them is a warning, as before', () => {
    const [path] = writeConfigs({ 'keystone.conf': KEYSTONE }) as [string]
    const config = loadConfig({ files: [path], groups: [token] })
    assert.equal(config.warnings.length, 6)
    assert.deepEqual(config.unused, [])
    assert.equal(unusedSummary(config.unused), undefined)
  })

  test('a typo warns, with the nearest declared or known name', () => {
    const [path] = writeConfigs({
      'keystone.conf': [
        '[token]',
        'expiraton = 60', // 2: a declared option, misspelt
        '[cache]',
        'backnd = dogpile.cache.null', // 4: a known option, misspelt
        '[fernet_token]',
        'max_active_keys = 5', // 6: a known group, misspelt
        '[token]',
        'frobnicate = 1', // 8: nothing close
        '',
      ].join('\n'),
    }) as [string]
    const config = loadConfig({ files: [path], groups: [token], known: openstackOptions })
    assert.deepEqual(config.warnings, [
      `${path}:2: [token] expiraton: unknown option, ignored (did you mean expiration?)`,
      `${path}:4: [cache] backnd: unknown option, ignored (did you mean backend?)`,
      `${path}:6: [fernet_token] max_active_keys: unknown option, ignored (did you mean [fernet_tokens]?)`,
      `${path}:8: [token] frobnicate: unknown option, ignored`,
    ])
    assert.equal(config.get(token).expiration, 3600)
  })

  test("otherGroups 'ignore': another program's sections are neither warned about nor counted", () => {
    const [path] = writeConfigs({
      'nova.conf': [
        '[DEFAULT]',
        'my_ip = 10.0.0.5',
        'made_up_nova_option = 1',
        '[libvirt]',
        'virt_type = kvm',
        '[keystone_authtoken]',
        'www_authenticate_uri = http://127.0.0.1:5000',
        'memcache_use_advanced_pool = true', // 8: keystonemiddleware's, not Baton's
        'www_authenticate_url = http://x', // 9: a typo in the middleware's own section
        '',
      ].join('\n'),
    }) as [string]
    const config = loadConfig({
      files: [path],
      groups: [authtoken],
      known: openstackOptions,
      otherGroups: 'ignore',
    })
    assert.deepEqual(config.warnings, [
      `${path}:9: [keystone_authtoken] www_authenticate_url: unknown option, ignored (did you mean www_authenticate_uri?)`,
    ])
    assert.deepEqual(
      config.unused.map((e) => `${e.name} ${e.origin}`),
      ['memcache_use_advanced_pool keystonemiddleware'],
    )
  })
})

describe('checkConfig', () => {
  test('lists every option with what it is, and every invalid value without stopping at the first', () => {
    const [path] = writeConfigs({
      'keystone.conf': `${KEYSTONE}[token]\nexpiration = soon\n[tokn]\nx = 1\n`,
    }) as [string]
    const result = checkConfig({ files: [path], groups: [token], known: openstackOptions })
    const kinds = result.entries.map((e) => `${e.kind} [${e.section}] ${e.name}`)
    assert.deepEqual(kinds, [
      'unused [DEFAULT] transport_url',
      'unused [DEFAULT] log_dir',
      'used [token] expiration',
      'unused [token] revoke_by_id',
      'unused [cache] backend',
      'unused [cache] enabled',
      'unused [oslo_messaging_notifications] driver',
      'unknown [tokn] x',
    ])
    assert.equal(result.invalid.length, 1)
    assert.match(result.invalid[0]?.message ?? '', /\[token\] expiration/)
    assert.match(result.invalid[0]?.message ?? '', /soon/)
    assert.throws(() => loadConfig({ files: [path], groups: [token] }), /expiration/)
  })
})
