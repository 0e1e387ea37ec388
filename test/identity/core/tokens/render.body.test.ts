import assert from 'node:assert/strict'
import { afterEach, describe, test } from 'node:test'
import { type AuthEnv, createAuthEnv, passwordAuth, T0 } from './auth_env.ts'

describe("the token body, field for field as Keystone 22's render_token_response_from_model", () => {
  let env: AuthEnv | undefined
  afterEach(() => env?.close())

  const issue = async (e: AuthEnv, auth: unknown) => {
    const res = await e.app.inject({ method: 'POST', url: '/v3/auth/tokens', payload: { auth } })
    assert.equal(res.statusCode, 201, res.body)
    return (res.json() as { token: Record<string, unknown> }).token
  }

  test('a project-scoped token, with is_admin_project when the admin project is configured', async () => {
    env = await createAuthEnv({
      resource: { admin_project_name: 'admin', admin_project_domain_name: 'Default' },
    })
    const { users, adminProjectId, roles, computeServiceId } = env.seeded
    const token = await issue(
      env,
      passwordAuth(users.admin, 'admin', { project: { id: adminProjectId } }),
    )
    const catalog = token.catalog as { type: string; endpoints: Record<string, unknown>[] }[]
    const compute = catalog.find((s) => s.type === 'compute')
    const identity = catalog.find((s) => s.type === 'identity')
    assert.deepEqual(token, {
      methods: ['password'],
      user: {
        domain: { id: 'default', name: 'Default' },
        id: users.admin,
        name: 'admin',
        password_expires_at: null,
      },
      audit_ids: token.audit_ids,
      expires_at: '2030-01-01T01:00:00.000000Z',
      issued_at: '2030-01-01T00:00:00.000000Z',
      project: { domain: { id: 'default', name: 'Default' }, id: adminProjectId, name: 'admin' },
      is_domain: false,
      roles: [
        { id: roles.admin, name: 'admin' },
        { id: roles.manager, name: 'manager' },
        { id: roles.member, name: 'member' },
        { id: roles.reader, name: 'reader' },
      ].sort((a, b) => a.id.localeCompare(b.id)),
      is_admin_project: true,
      catalog,
    })
    assert.equal(compute?.endpoints.length, 1)
    assert.deepEqual(compute?.endpoints[0], {
      id: compute?.endpoints[0]?.id,
      interface: 'public',
      region_id: 'RegionOne',
      url: `http://nova.example/v2.1/${adminProjectId}`,
      region: 'RegionOne',
    })
    assert.equal(identity?.endpoints.length, 3)
    assert.deepEqual(
      { ...compute, endpoints: [] },
      { endpoints: [], id: computeServiceId, type: 'compute', name: 'nova' },
    )
    // another project in the same configuration: is_admin_project false
    const alice = await issue(env, passwordAuth(users.alice, 'alice'))
    assert.equal(alice.is_admin_project, false)
  })

  test('no is_admin_project without both [resource] options; domain and system scopes', async () => {
    env = await createAuthEnv({ resource: { admin_project_name: 'admin' } })
    const { users, defaultDomainId } = env.seeded
    const project = await issue(env, passwordAuth(users.alice, 'alice'))
    assert.ok(!('is_admin_project' in project))

    const domain = await issue(
      env,
      passwordAuth(users.alice, 'alice', { domain: { id: defaultDomainId } }),
    )
    assert.deepEqual(domain.domain, { id: 'default', name: 'Default' })
    assert.deepEqual(Object.keys(domain), [
      'methods',
      'user',
      'audit_ids',
      'expires_at',
      'issued_at',
      'domain',
      'roles',
      'catalog',
    ])
    // endpoints that need a project ID are left out of domain and system catalogs
    const compute = (domain.catalog as { type: string; endpoints: unknown[] }[]).find(
      (s) => s.type === 'compute',
    )
    assert.deepEqual(compute?.endpoints, [])

    const system = await issue(env, passwordAuth(users.admin, 'admin', { system: { all: true } }))
    assert.deepEqual(Object.keys(system), [
      'methods',
      'user',
      'audit_ids',
      'expires_at',
      'issued_at',
      'roles',
      'system',
      'catalog',
    ])
    assert.deepEqual(system.system, { all: true })
  })

  test('password_expires_at is an entity time with microseconds', async () => {
    env = await createAuthEnv()
    const { users } = env.seeded
    const current = await env.store.identity.getPassword(users.bob)
    await env.store.identity.setPassword(users.bob, {
      hash: current?.hash ?? '',
      expiresAt: (T0 + 86_400_000) * 1000 + 123_456,
    })
    const token = await issue(env, passwordAuth(users.bob, 'bob'))
    assert.equal(
      (token.user as { password_expires_at: string }).password_expires_at,
      '2030-01-02T00:00:00.123456',
    )
  })

  test('[DEFAULT] public_endpoint and user_id reach the catalog URL templates', async () => {
    env = await createAuthEnv({ DEFAULT: { public_endpoint: 'https://id.example' } })
    const { users, adminProjectId } = env.seeded
    const service = await env.store.catalog.createService({ type: 'x', name: 'x' })
    for (const url of [
      '$(public_endpoint)s/u/$(user_id)s/%(tenant_id)s',
      'http://bad/$(nonsense)s',
      'http://bad/%20',
    ]) {
      await env.store.catalog.createEndpoint({ serviceId: service.id, interface: 'public', url })
    }
    const token = await issue(
      env,
      passwordAuth(users.admin, 'admin', { project: { id: adminProjectId } }),
    )
    const x = (
      token.catalog as { type: string; endpoints: { url: string; region: null }[] }[]
    ).find((s) => s.type === 'x')
    assert.deepEqual(
      x?.endpoints.map((e) => [e.url, e.region]),
      [[`https://id.example/u/${users.admin}/${adminProjectId}`, null]],
    )
  })
})
