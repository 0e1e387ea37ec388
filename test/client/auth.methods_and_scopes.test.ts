/**
 * Password, token (v3token) and application-credential plugins against a real identity server:
 * each scope kind yields the token identity says it does, and a refused login is one Unauthorized.
 * @module
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import {
  ApplicationCredentialAuth,
  ConfigurationError,
  PasswordAuth,
  Session,
  TokenAuth,
  Unauthorized,
} from '../../packages/client/src/index.ts'
import {
  ADMIN_PASSWORD,
  count,
  EXPIRATION,
  type Identity,
  type Loopback,
  passwordToken,
  startIdentity,
  startProxy,
} from './support.ts'

let identity: Identity
let proxy: Loopback
let v3: string

before(async () => {
  identity = await startIdentity()
  proxy = await startProxy(identity.url)
  v3 = `${proxy.url}/v3`
})
after(async () => {
  await proxy?.close()
  await identity?.close()
})

const session = () => new Session({ clock: identity.clock })

test('password auth scoped to a project by name gives that project, its roles and a catalog', async () => {
  const { svc } = identity.users
  const auth = new PasswordAuth({
    authUrl: v3,
    username: svc.name,
    userDomainName: 'Default',
    password: svc.password,
    projectName: 'service',
    projectDomainId: 'default',
  })
  const access = await auth.getAccess(session())
  assert.equal(access.userId, svc.id)
  assert.equal(access.userName, 'svc')
  assert.equal(access.userDomainId, 'default')
  assert.equal(access.projectId, identity.projects.service)
  assert.equal(access.projectName, 'service')
  assert.deepEqual(access.roleNames, ['service'])
  assert.deepEqual(access.methods, ['password'])
  assert.equal(access.systemAll, false)
  assert.equal(access.expiresAt.getTime(), identity.clock.now() + EXPIRATION * 1000)
  assert.ok(access.catalog?.some((s) => s.type === 'identity'))
  assert.deepEqual(await auth.getHeaders(session()), { 'X-Auth-Token': access.token })
})

test('password auth by user id and project id; unscoped without a scope', async () => {
  const { alice } = identity.users
  const scoped = await new PasswordAuth({
    authUrl: v3,
    userId: alice.id,
    password: alice.password,
    projectId: identity.projects.demo,
  }).getAccess(session())
  assert.equal(scoped.projectId, identity.projects.demo)
  // bootstrap's implied role: member => reader
  assert.deepEqual([...scoped.roleNames].sort(), ['member', 'reader'])

  const unscoped = await new PasswordAuth({
    authUrl: v3,
    userId: alice.id,
    password: alice.password,
  }).getAccess(session())
  assert.equal(unscoped.userId, alice.id)
  assert.equal(unscoped.projectId, undefined)
  assert.deepEqual(unscoped.roleNames, [])
})

test('system and domain scopes for the bootstrap admin', async () => {
  const admin = {
    authUrl: v3,
    username: 'admin',
    userDomainId: 'default',
    password: ADMIN_PASSWORD,
  }
  const system = await new PasswordAuth({ ...admin, systemScope: 'all' }).getAccess(session())
  assert.equal(system.systemAll, true)
  assert.equal(system.projectId, undefined)
  assert.ok(system.roleNames.includes('admin'))

  await identity.admin(
    'PUT',
    `/domains/default/users/${identity.users.alice.id}/roles/${await roleId('member')}`,
  )
  const domain = await new PasswordAuth({
    authUrl: v3,
    username: 'alice',
    userDomainId: 'default',
    password: identity.users.alice.password,
    domainName: 'Default',
  }).getAccess(session())
  assert.equal(domain.domainId, 'default')
  assert.equal(domain.projectId, undefined)
  assert.ok(domain.roleNames.includes('member'))
})

async function roleId(name: string): Promise<string> {
  const roles = (await identity.admin('GET', `/roles?name=${name}`)).roles as { id: string }[]
  return roles[0]?.id ?? ''
}

test('token auth exchanges an existing token for one scoped elsewhere', async () => {
  const { svc } = identity.users
  const first = await passwordToken(identity.url, svc.name, svc.password, 'service')
  const auth = new TokenAuth({
    authUrl: v3,
    token: first,
    projectName: 'service',
    projectDomainName: 'Default',
  })
  const access = await auth.getAccess(session())
  assert.notEqual(access.token, first)
  assert.equal(access.userId, svc.id)
  assert.equal(access.projectId, identity.projects.service)
  assert.deepEqual([...access.methods].sort(), ['password', 'token'])
})

test('application credential auth by id and by name + user gives the credential’s scope', async () => {
  const { svc } = identity.users
  const token = await passwordToken(identity.url, svc.name, svc.password, 'service')
  const res = await fetch(`${identity.url}/v3/users/${svc.id}/application_credentials`, {
    method: 'POST',
    headers: { 'X-Auth-Token': token, 'Content-Type': 'application/json' },
    body: JSON.stringify({ application_credential: { name: 'svc-cred', secret: 'cred-secret-1' } }),
  })
  assert.equal(res.status, 201)
  const credId = ((await res.json()) as { application_credential: { id: string } })
    .application_credential.id

  const byId = await new ApplicationCredentialAuth({
    authUrl: v3,
    applicationCredentialId: credId,
    applicationCredentialSecret: 'cred-secret-1',
  }).getAccess(session())
  assert.equal(byId.userId, svc.id)
  assert.equal(byId.projectId, identity.projects.service)
  assert.equal(byId.applicationCredential?.id, credId)
  assert.deepEqual(byId.methods, ['application_credential'])

  const byName = await new ApplicationCredentialAuth({
    authUrl: v3,
    applicationCredentialName: 'svc-cred',
    username: 'svc',
    userDomainName: 'Default',
    applicationCredentialSecret: 'cred-secret-1',
  }).getAccess(session())
  assert.equal(byName.applicationCredential?.id, credId)

  const wrong = new ApplicationCredentialAuth({
    authUrl: v3,
    applicationCredentialId: credId,
    applicationCredentialSecret: 'not-the-secret',
  })
  await assert.rejects(wrong.getAccess(session()), (e: Error) => {
    assert.ok(e instanceof Unauthorized)
    assert.doesNotMatch(`${e.message} ${e.body}`, /not-the-secret/)
    return true
  })
})

test('a refused password is one Unauthorized: no retry loop, the password never shown', async () => {
  const before = count(proxy.received, 'POST', '/v3/auth/tokens')
  const auth = new PasswordAuth({
    authUrl: v3,
    username: 'svc',
    userDomainId: 'default',
    password: 'wrong-password-42',
    projectName: 'service',
    projectDomainId: 'default',
  })
  await assert.rejects(auth.getHeaders(session()), (e: Error) => {
    assert.ok(e instanceof Unauthorized, String(e))
    assert.equal(e.status, 401)
    assert.equal(e.method, 'POST')
    assert.doesNotMatch(`${e.message} ${e.body} ${e.stack}`, /wrong-password-42/)
    return true
  })
  assert.equal(count(proxy.received, 'POST', '/v3/auth/tokens') - before, 1)
})

test('options that cannot work fail at construction, naming keystoneauth’s option', () => {
  const base = { authUrl: v3, password: 'pw' }
  const cases: [() => unknown, RegExp][] = [
    [() => new PasswordAuth({ ...base }), /user_id, or username/],
    [() => new PasswordAuth({ ...base, username: 'u' }), /user_domain_id or user_domain_name/],
    [() => new PasswordAuth({ ...base, userId: 'u', projectName: 'p' }), /project_domain_id/],
    [
      () => new PasswordAuth({ ...base, userId: 'u', projectId: 'p', systemScope: 'all' }),
      /only one scope/,
    ],
    [
      () => new PasswordAuth({ ...base, userId: 'u', systemScope: 'some' }),
      /system_scope must be 'all'/,
    ],
    [() => new PasswordAuth({ ...base, userId: 'u', password: '' }), /needs password/],
    [() => new PasswordAuth({ ...base, userId: 'u', authUrl: 'keystone:5000' }), /auth_url/],
    [() => new TokenAuth({ authUrl: v3, token: '' }), /needs token/],
    [
      () => new ApplicationCredentialAuth({ authUrl: v3, applicationCredentialSecret: 's' }),
      /application_credential_id/,
    ],
  ]
  for (const [build, message] of cases) {
    assert.throws(build, (e: Error) => e instanceof ConfigurationError && message.test(e.message))
  }
})
