/**
 * `[keystone_authtoken]` read the way keystonemiddleware reads it: option names and defaults, INI
 * files and objects, and start-up errors for settings that cannot work.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { loadConfig } from '@baton/config'
import {
  authtokenOptions,
  createAuthToken,
  MiddlewareConfigError,
} from '../../packages/middleware/src/index.ts'

const CREDENTIALS = {
  auth_type: 'password',
  auth_url: 'http://127.0.0.1:1/v3',
  username: 'nova',
  password: 'nova-secret',
  user_domain_name: 'Default',
  project_name: 'service',
  project_domain_name: 'Default',
}

test('defaults are keystonemiddleware’s, with service_token_roles_required = true', () => {
  const v = loadConfig({ groups: [authtokenOptions] }).get(authtokenOptions)
  assert.equal(v.delay_auth_decision, false)
  assert.equal(v.interface, 'internal')
  assert.equal(v.token_cache_time, 300)
  assert.deepEqual(v.service_token_roles, ['service'])
  assert.equal(v.service_token_roles_required, true)
  assert.equal(v.include_service_catalog, true)
  assert.equal(v.enforce_token_bind, 'permissive')
  assert.equal(v.http_request_max_retries, 3)
  assert.equal(v.memcache_security_strategy, 'None')
})

test('an INI [keystone_authtoken] section with old names configures the middleware', () => {
  const dir = mkdtempSync(join(tmpdir(), 'baton-authtoken-'))
  const file = join(dir, 'nova.conf')
  writeFileSync(
    file,
    [
      '[keystone_authtoken]',
      'auth_uri = http://keystone.example:5000/v3',
      'memcache_servers = 127.0.0.1:11211',
      ...Object.entries(CREDENTIALS).map(([k, v]) => `${k} = ${v}`),
      '',
    ].join('\n'),
  )
  const warnings: string[] = []
  const auth = createAuthToken({ configFiles: [file], logger: { warn: (m) => warnings.push(m) } })
  assert.equal(auth.protocol.wwwAuthenticate, 'Keystone uri="http://keystone.example:5000/v3"')
  assert.deepEqual(
    warnings.filter((w) => w.startsWith('Configuring www_authenticate_uri')),
    [],
  )
  assert.equal(warnings.filter((w) => w.includes('auth_uri: deprecated name')).length, 1)
  void auth.close()
})

test('www_authenticate_uri falls back to auth_url, with a warning', () => {
  const warnings: string[] = []
  const auth = createAuthToken({ options: CREDENTIALS, logger: { warn: (m) => warnings.push(m) } })
  assert.equal(auth.protocol.wwwAuthenticate, 'Keystone uri="http://127.0.0.1:1/v3"')
  assert.equal(warnings.filter((w) => w.startsWith('Configuring www_authenticate_uri')).length, 1)
  void auth.close()
})

test('settings that cannot work fail at start-up, naming the option, never echoing secrets', () => {
  const cases: [Record<string, string | number>, RegExp][] = [
    [{ www_authenticate_uri: 'http://k/v3' }, /auth_type is not set/],
    [{ ...CREDENTIALS, interface: 'private' }, /interface must be public, internal or admin/],
    [{ ...CREDENTIALS, memcache_security_strategy: 'ENCRYPT' }, /memcache_secret_key|secret/],
    [{ ...CREDENTIALS, memcache_security_strategy: 'rot13', memcache_secret_key: 'k' }, /strategy/],
    [{ ...CREDENTIALS, enforce_token_bind: '' }, /enforce_token_bind/],
  ]
  for (const [options, message] of cases) {
    assert.throws(
      () => createAuthToken({ options, logger: {} }),
      (error: Error) => {
        assert.match(error.message, message)
        assert.doesNotMatch(error.message, /nova-secret/)
        assert.equal(typeof (error as Error & { code?: unknown }).code, 'string')
        return true
      },
    )
  }
  assert.throws(() => createAuthToken({ options: {}, logger: {} }), MiddlewareConfigError)
})

test('unknown option names in the object form are refused', () => {
  assert.throws(
    () => createAuthToken({ options: { ...CREDENTIALS, servce_token_roles: 'x' }, logger: {} }),
    /servce_token_roles/,
  )
})
