import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { type IdentityProcess, startIdentity } from './identity_process.ts'
import { openstack, openstackJson, openstackMissing, openstackOk } from './openstack_cli.ts'

type Row = Record<string, unknown>

describe('python-openstackclient drives a fresh baton serve identity', {
  skip: openstackMissing,
}, () => {
  let identity: IdentityProcess
  let env: Record<string, string>
  before(async () => {
    identity = await startIdentity()
    env = identity.adminEnv
  })
  after(async () => {
    await identity?.stop()
  })

  test('token issue and revoke', async () => {
    const token = await openstackJson<Row>(['token', 'issue'], env)
    assert.match(String(token.id), /^gAAAAA/)
    assert.equal(typeof token.expires, 'string')
    assert.equal(typeof token.project_id, 'string')
    await openstackOk(['token', 'revoke', String(token.id)], env)
    const reuse = await openstack(['project', 'list'], {
      ...env,
      OS_AUTH_TYPE: 'token',
      OS_TOKEN: String(token.id),
    })
    assert.notEqual(reuse.code, 0, 'a revoked token is refused')
  })

  test('catalog list shows the identity service and its endpoints', async () => {
    const catalog = await openstackJson<Row[]>(['catalog', 'list'], env)
    const identityEntry = catalog.find((c) => c.Type === 'identity')
    assert.ok(identityEntry, JSON.stringify(catalog))
    assert.match(
      JSON.stringify(identityEntry.Endpoints),
      new RegExp(identity.url.replace(/[.:/]/g, '.')),
    )
  })

  test('domain, project, user, group: create, list, show, set, delete', async () => {
    const domain = await openstackJson<Row>(
      ['domain', 'create', 'interop-d', '--description', 'd1'],
      env,
    )
    assert.equal(domain.name, 'interop-d')
    const project = await openstackJson<Row>(
      ['project', 'create', 'interop-p', '--domain', 'interop-d', '--description', 'p1'],
      env,
    )
    assert.equal(project.domain_id, domain.id)
    const user = await openstackJson<Row>(
      [
        'user',
        'create',
        'interop-u',
        '--domain',
        'interop-d',
        '--password',
        'pw-u',
        '--email',
        'u@example.com',
      ],
      env,
    )
    assert.equal(user.email, 'u@example.com', 'extra attributes are echoed')
    const group = await openstackJson<Row>(
      ['group', 'create', 'interop-g', '--domain', 'interop-d'],
      env,
    )
    await openstackOk(
      [
        'group',
        'add',
        'user',
        '--group-domain',
        'interop-d',
        '--user-domain',
        'interop-d',
        String(group.id),
        String(user.id),
      ],
      env,
    )

    await openstackOk(['project', 'set', String(project.id), '--description', 'p2'], env)
    await openstackOk(['user', 'set', String(user.id), '--email', 'v@example.com'], env)
    await openstackOk(['group', 'set', String(group.id), '--description', 'g2'], env)
    await openstackOk(['domain', 'set', String(domain.id), '--description', 'd2'], env)
    assert.equal(
      (await openstackJson<Row>(['project', 'show', String(project.id)], env)).description,
      'p2',
    )
    assert.equal(
      (await openstackJson<Row>(['user', 'show', String(user.id)], env)).email,
      'v@example.com',
    )
    assert.equal(
      (await openstackJson<Row>(['group', 'show', String(group.id)], env)).description,
      'g2',
    )
    assert.equal((await openstackJson<Row>(['domain', 'show', 'interop-d'], env)).description, 'd2')
    const projects = await openstackJson<Row[]>(['project', 'list', '--domain', 'interop-d'], env)
    assert.deepEqual(
      projects.map((p) => p.Name),
      ['interop-p'],
    )
    const users = await openstackJson<Row[]>(['user', 'list', '--domain', 'interop-d'], env)
    assert.deepEqual(
      users.map((u) => u.Name),
      ['interop-u'],
    )
    const groups = await openstackJson<Row[]>(['group', 'list', '--domain', 'interop-d'], env)
    assert.deepEqual(
      groups.map((g) => g.Name),
      ['interop-g'],
    )
    const domains = await openstackJson<Row[]>(['domain', 'list'], env)
    assert.ok(domains.some((d) => d.Name === 'interop-d'))

    await openstackOk(['group', 'delete', String(group.id)], env)
    await openstackOk(['user', 'delete', String(user.id)], env)
    await openstackOk(['project', 'delete', String(project.id)], env)
    const refused = await openstack(['domain', 'delete', String(domain.id)], env)
    assert.notEqual(refused.code, 0, 'an enabled domain cannot be deleted')
    await openstackOk(['domain', 'set', '--disable', String(domain.id)], env)
    await openstackOk(['domain', 'delete', String(domain.id)], env)
    const gone = await openstack(['domain', 'show', String(domain.id)], env)
    assert.notEqual(gone.code, 0)
  })

  test('role create/show/set/delete, role add/remove, role assignment list --names', async () => {
    const role = await openstackJson<Row>(['role', 'create', 'interop-role'], env)
    await openstackOk(['role', 'set', String(role.id), '--description', 'r2'], env)
    assert.equal(
      (await openstackJson<Row>(['role', 'show', 'interop-role'], env)).description,
      'r2',
    )
    assert.ok(
      (await openstackJson<Row[]>(['role', 'list'], env)).some((r) => r.Name === 'interop-role'),
    )
    const user = await openstackJson<Row>(['user', 'create', 'interop-ra', '--password', 'pw'], env)
    await openstackOk(
      ['role', 'add', '--project', 'admin', '--user', 'interop-ra', 'interop-role'],
      env,
    )
    const assignments = await openstackJson<Row[]>(
      ['role', 'assignment', 'list', '--user', 'interop-ra', '--names'],
      env,
    )
    assert.deepEqual(
      assignments.map((a) => [a.Role, a.User, a.Project]),
      [['interop-role', 'interop-ra@Default', 'admin@Default']],
    )
    await openstackOk(
      ['role', 'remove', '--project', 'admin', '--user', 'interop-ra', 'interop-role'],
      env,
    )
    const none = await openstackJson<Row[]>(
      ['role', 'assignment', 'list', '--user', String(user.id)],
      env,
    )
    assert.deepEqual(none, [])
    await openstackOk(['role', 'delete', 'interop-role'], env)
    await openstackOk(['user', 'delete', String(user.id)], env)
  })

  test('service, endpoint, region: create, list, show, set, delete', async () => {
    const region = await openstackJson<Row>(
      ['region', 'create', 'InteropRegion', '--description', 'r'],
      env,
    )
    assert.equal(region.region, 'InteropRegion')
    const service = await openstackJson<Row>(
      ['service', 'create', '--name', 'interop-svc', 'interop-type'],
      env,
    )
    const endpoint = await openstackJson<Row>(
      [
        'endpoint',
        'create',
        '--region',
        'InteropRegion',
        String(service.id),
        'public',
        'http://127.0.0.1:1/x',
      ],
      env,
    )
    assert.equal(endpoint.interface, 'public')
    await openstackOk(
      ['endpoint', 'set', '--url', 'http://127.0.0.1:2/y', String(endpoint.id)],
      env,
    )
    assert.equal(
      (await openstackJson<Row>(['endpoint', 'show', String(endpoint.id)], env)).url,
      'http://127.0.0.1:2/y',
    )
    await openstackOk(['service', 'set', '--description', 's2', String(service.id)], env)
    assert.equal(
      (await openstackJson<Row>(['service', 'show', String(service.id)], env)).description,
      's2',
    )
    await openstackOk(['region', 'set', '--description', 'r2', 'InteropRegion'], env)
    assert.equal(
      (await openstackJson<Row>(['region', 'show', 'InteropRegion'], env)).description,
      'r2',
    )
    assert.ok(
      (await openstackJson<Row[]>(['endpoint', 'list', '--service', 'interop-svc'], env)).length ===
        1,
    )
    assert.ok(
      (await openstackJson<Row[]>(['service', 'list'], env)).some((s) => s.Name === 'interop-svc'),
    )
    assert.ok(
      (await openstackJson<Row[]>(['region', 'list'], env)).some(
        (r) => r.Region === 'InteropRegion',
      ),
    )
    await openstackOk(['endpoint', 'delete', String(endpoint.id)], env)
    await openstackOk(['service', 'delete', String(service.id)], env)
    await openstackOk(['region', 'delete', 'InteropRegion'], env)
  })

  test('application credential create, list, authenticate with it, delete', async () => {
    const cred = await openstackJson<Row>(
      ['application', 'credential', 'create', 'interop-ac'],
      env,
    )
    assert.equal(typeof cred.secret, 'string')
    const listed = await openstackJson<Row[]>(['application', 'credential', 'list'], env)
    assert.ok(listed.some((c) => c.Name === 'interop-ac'))
    const appEnv = {
      OS_AUTH_URL: env.OS_AUTH_URL ?? '',
      OS_IDENTITY_API_VERSION: '3',
      OS_AUTH_TYPE: 'v3applicationcredential',
      OS_APPLICATION_CREDENTIAL_ID: String(cred.id),
      OS_APPLICATION_CREDENTIAL_SECRET: String(cred.secret),
      OS_INTERFACE: 'public',
    }
    const token = await openstackJson<Row>(['token', 'issue'], appEnv)
    assert.match(String(token.id), /^gAAAAA/)
    await openstackOk(['application', 'credential', 'delete', 'interop-ac'], env)
    const after = await openstack(['token', 'issue'], appEnv)
    assert.notEqual(after.code, 0, 'a deleted application credential no longer authenticates')
  })
  test('trust create, list, show, delete', async () => {
    await openstackOk(['user', 'create', '--password', 'pw-trustee', 'interop-trustee'], env)
    const created = await openstackJson<Row>(
      [
        'trust',
        'create',
        '--project',
        'admin',
        '--role',
        'admin',
        '--impersonate',
        '--expiration',
        '2031-01-02T03:04:05',
        'admin',
        'interop-trustee',
      ],
      env,
    )
    assert.equal(created.impersonation, true)
    assert.equal(created.expires_at, '2031-01-02T03:04:05.000000Z')
    assert.match(String(created.roles), /admin/)
    const id = String(created.id)
    const listed = await openstackJson<Row[]>(['trust', 'list'], env)
    assert.ok(listed.some((t) => t.ID === id))
    const shown = await openstackJson<Row>(['trust', 'show', id], env)
    assert.equal(shown.id, id)
    assert.equal(shown.project_id, created.project_id)
    await openstackOk(['trust', 'delete', id], env)
    const gone = await openstack(['trust', 'show', id], env)
    assert.notEqual(gone.code, 0, 'a deleted trust is not found')
    assert.match(gone.stderr, /Could not find trust|No trust with a name or ID/)
  })

  test('--os-trust-id token issue: the trustee gets a trust-scoped token', async () => {
    const trustee = await openstackJson<Row>(
      ['user', 'create', '--password', 'pw-trustee2', 'interop-trustee2'],
      env,
    )
    const admin = await openstackJson<Row>(['user', 'show', 'admin'], env)
    const trust = await openstackJson<Row>(
      ['trust', 'create', '--project', 'admin', '--role', 'admin', '--impersonate'].concat([
        'admin',
        'interop-trustee2',
      ]),
      env,
    )
    const { OS_PROJECT_NAME: _p, OS_PROJECT_DOMAIN_NAME: _d, ...unscoped } = env
    const trusteeEnv = {
      ...unscoped,
      OS_USERNAME: 'interop-trustee2',
      OS_PASSWORD: 'pw-trustee2',
    }
    const token = await openstackJson<Row>(
      ['--os-trust-id', String(trust.id), 'token', 'issue'],
      trusteeEnv,
    )
    assert.match(String(token.id), /^gAAAAA/)
    assert.equal(token.project_id, trust.project_id)
    assert.equal(token.user_id, admin.id, 'impersonation: the token is the trustor`s')
    assert.notEqual(token.user_id, trustee.id)
    // the trustor itself is not the trustee: Keystone's 403
    const byTrustor = await openstack(
      ['--os-trust-id', String(trust.id), 'token', 'issue'],
      unscoped,
    )
    assert.notEqual(byTrustor.code, 0)
    assert.match(byTrustor.stderr, /403|not authorized/i)
  })

  test('application credential create --access-rules; access rule list, show, delete', async () => {
    const rules = [{ service: 'compute', path: '/v2.1/servers', method: 'GET' }]
    const cred = await openstackJson<Row>(
      [
        'application',
        'credential',
        'create',
        'interop-ar',
        '--access-rules',
        JSON.stringify(rules),
      ],
      env,
    )
    const listed = await openstackJson<Row[]>(['access', 'rule', 'list'], env)
    const mine = listed.find((r) => r.Path === '/v2.1/servers')
    assert.ok(mine, JSON.stringify(listed))
    assert.deepEqual([mine.Service, mine.Method], ['compute', 'GET'])
    const shown = await openstackJson<Row>(['access', 'rule', 'show', String(mine.ID)], env)
    assert.deepEqual([shown.service, shown.path, shown.method], ['compute', '/v2.1/servers', 'GET'])
    const inUse = await openstack(['access', 'rule', 'delete', String(mine.ID)], env)
    assert.notEqual(inUse.code, 0, 'a rule a credential uses is not deleted')
    await openstackOk(['application', 'credential', 'delete', String(cred.id)], env)
    await openstackOk(['access', 'rule', 'delete', String(mine.ID)], env)
    const gone = await openstackJson<Row[]>(['access', 'rule', 'list'], env)
    assert.equal(
      gone.some((r) => r.ID === mine.ID),
      false,
    )
  })
})
