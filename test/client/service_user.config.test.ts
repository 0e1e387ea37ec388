/**
 * `[service_user]` from an INI file through loadConfig: nova's option names, off by default, a
 * working plugin when configured, and a start-up error (cinder's rule) when sending service tokens
 * is asked for without usable credentials. Secrets never appear in those errors.
 * @module
 */
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { loadConfig } from '@baton/config'
import {
  authFromOptions,
  ConfigurationError,
  loadDelegationSettings,
  loadServiceUserAuth,
  PasswordAuth,
  Session,
  serviceUserGroup,
  serviceUserSessionOptions,
  TokenAuth,
} from '../../packages/client/src/index.ts'
import { type Identity, startIdentity } from './support.ts'

let identity: Identity
let dir: string

before(async () => {
  identity = await startIdentity()
  dir = mkdtempSync(join(tmpdir(), 'baton-service-user-'))
})
after(async () => {
  await identity?.close()
})

let files = 0
function load(lines: readonly string[]) {
  const file = join(dir, `nova-${files++}.conf`)
  writeFileSync(file, ['[service_user]', ...lines, ''].join('\n'))
  return loadConfig({ files: [file], groups: [serviceUserGroup] })
}

const credentials = () => [
  'auth_type = password',
  `auth_url = ${identity.url}`,
  'username = svc',
  `password = ${identity.users.svc.password}`,
  'user_domain_name = Default',
  'project_name = service',
  'project_domain_name = Default',
]

test('nova’s defaults: send_service_user_token is false and nothing is loaded', () => {
  const config = load([])
  const v = config.get(serviceUserGroup)
  assert.equal(v.send_service_user_token, false)
  assert.equal(v.auth_type, undefined)
  assert.equal(v.insecure, false)
  assert.equal(loadServiceUserAuth(config), null)
  assert.equal(loadServiceUserAuth(load(credentials())), null, 'credentials alone do not enable it')
})

test('a configured [service_user] logs in as the service user, once per config', async () => {
  const config = load(['send_service_user_token = true', ...credentials(), 'timeout = 7'])
  const plugin = loadServiceUserAuth(config)
  assert.ok(plugin instanceof PasswordAuth)
  assert.equal(loadServiceUserAuth(config), plugin, 'one plugin (and one token) per process config')
  const access = await plugin.getAccess(new Session({ clock: identity.clock }))
  assert.equal(access.userId, identity.users.svc.id)
  assert.equal(access.projectId, identity.projects.service)
  assert.deepEqual(access.roleNames, ['service'])
  assert.deepEqual(serviceUserSessionOptions(config), { timeoutMs: 7000 })
})

test('send_service_user_token = true without usable credentials fails at start-up', () => {
  const secret = identity.users.svc.password
  const cases: [string[], RegExp][] = [
    [[], /auth_type is not set/],
    [
      [
        'auth_type = password',
        'username = svc',
        `password = ${secret}`,
        'user_domain_id = default',
      ],
      /needs auth_url/,
    ],
    [
      ['auth_type = kerberos', `auth_url = ${identity.url}`],
      /auth_type = kerberos is not supported/,
    ],
    [
      ['auth_type = v3password', `auth_url = ${identity.url}`, `password = ${secret}`],
      /user_id, or username/,
    ],
    [['auth_type = password', `auth_url = ${identity.url}`, 'user_id = x'], /needs password/],
    [[...credentials(), 'auth_section = keystone_authtoken'], /auth_section is not supported/],
    [[...credentials(), 'system_scope = all'], /only one scope/],
    [
      [
        'auth_type = v3applicationcredential',
        `auth_url = ${identity.url}`,
        `application_credential_secret = ${secret}`,
      ],
      /application_credential_id/,
    ],
  ]
  for (const [lines, reason] of cases) {
    const config = load(['send_service_user_token = true', ...lines])
    assert.throws(
      () => loadServiceUserAuth(config),
      (e: Error) => {
        assert.ok(e instanceof ConfigurationError, String(e))
        assert.match(e.message, /^\[service_user\] send_service_user_token = true but /)
        assert.match(e.message, reason)
        assert.ok(!e.message.includes(secret), e.message)
        return true
      },
      lines.join('; '),
    )
  }
})

test('authFromOptions: auth_type names, default domains, deprecated names, null when unset', () => {
  const group = 'keystone_authtoken'
  const values = (lines: string[]) => load(lines).get(serviceUserGroup)
  assert.equal(authFromOptions(values([]), group), null)
  for (const type of ['password', 'v3password']) {
    const plugin = authFromOptions(
      values([
        `auth_type = ${type}`,
        'auth_url = http://k/v3',
        'username = u',
        'password = p',
        'default_domain_id = default',
      ]),
      group,
    )
    assert.ok(plugin instanceof PasswordAuth, type)
  }
  for (const type of ['token', 'v3token']) {
    assert.ok(
      authFromOptions(
        values([`auth_type = ${type}`, 'auth_url = http://k/v3', 'token = t']),
        group,
      ) instanceof TokenAuth,
    )
  }
  assert.throws(
    () =>
      authFromOptions(
        values(['auth_type = password', 'auth_url = http://k/v3', 'username = u', 'password = p']),
        group,
      ),
    /^ConfigurationError: \[keystone_authtoken\] password auth with username needs user_domain_id/,
  )
})

test('default_domain_id stands in for unset user and project domains; old names still read', async () => {
  const plugin = authFromOptions(
    load([
      'auth_type = password',
      `auth_url = ${identity.url}/v3`,
      'user-name = svc',
      `password = ${identity.users.svc.password}`,
      'tenant_name = service',
      'default_domain_id = default',
    ]).get(serviceUserGroup),
    'service_user',
  )
  assert.ok(plugin !== null)
  const access = await plugin.getAccess(new Session({ clock: identity.clock }))
  assert.equal(access.userId, identity.users.svc.id)
  assert.equal(access.projectId, identity.projects.service)
})

test('the config dump and sources redact the service user’s secrets', () => {
  const config = load([
    'send_service_user_token = true',
    ...credentials(),
    'application_credential_secret = shh-42',
  ])
  const dump = config.dump()
  assert.ok(!dump.includes(identity.users.svc.password))
  assert.ok(!dump.includes('shh-42'))
  assert.equal(config.sources(serviceUserGroup).password.secret, true)
})

test('delegate: off by default; on, it needs send_service_user_token and carries its lifetime', () => {
  assert.equal(loadDelegationSettings(load([])), null)
  assert.throws(
    () => loadDelegationSettings(load(['delegate = true'])),
    (e: unknown) =>
      e instanceof ConfigurationError &&
      /delegate = true needs send_service_user_token = true/.test(e.message),
  )
  const on = load(['send_service_user_token = true', 'delegate = true'])
  assert.deepEqual(loadDelegationSettings(on), { lifetimeSeconds: 3600 })
  const shorter = load([
    'send_service_user_token = true',
    'delegate = true',
    'delegation_lifetime = 600',
  ])
  assert.deepEqual(loadDelegationSettings(shorter), { lifetimeSeconds: 600 })
})
