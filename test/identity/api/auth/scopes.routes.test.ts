import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, test } from 'node:test'
import { type AuthEnv, createAuthEnv, passwordAuth } from '../../core/tokens/auth_env.ts'

describe('scope discovery: /v3/auth/catalog, projects, domains, system', () => {
  let env: AuthEnv
  beforeEach(async () => {
    env = await createAuthEnv()
  })
  afterEach(() => env.close())

  const tokenFor = async (userId: string, name: string, scope?: unknown) =>
    String(
      (
        await env.app.inject({
          method: 'POST',
          url: '/v3/auth/tokens',
          payload: { auth: passwordAuth(userId, name, scope) },
        })
      ).headers['x-subject-token'],
    )
  const get = (url: string, token: string) =>
    env.app.inject({ url, headers: { 'x-auth-token': token, host: 'ks.example:5000' } })

  test('catalog: the project-scoped token’s catalog, 403 for other scopes', async () => {
    const { users, demoProjectId } = env.seeded
    const scoped = await tokenFor(users.alice, 'alice')
    const res = await get('/v3/auth/catalog', scoped)
    assert.equal(res.statusCode, 200)
    const body = res.json() as {
      catalog: { type: string; endpoints: { url: string }[] }[]
      links: unknown
    }
    assert.deepEqual(body.links, { self: 'http://ks.example:5000/v3/auth/catalog' })
    const compute = body.catalog.find((s) => s.type === 'compute')
    assert.equal(compute?.endpoints[0]?.url, `http://nova.example/v2.1/${demoProjectId}`)

    const unscoped = await tokenFor(users.alice, 'alice', 'unscoped')
    const denied = await get('/v3/auth/catalog', unscoped)
    assert.equal(denied.statusCode, 403)
    assert.equal(
      (denied.json() as { error: { message: string } }).error.message,
      'You are not authorized to perform the requested action.',
    )
  })

  test('projects: direct, group and inherited grants; domains: direct grants', async () => {
    const { users, demoProjectId, adminProjectId, otherDomainId, roles } = env.seeded
    const unscoped = await tokenFor(users.alice, 'alice', 'unscoped')
    const projects = async () =>
      ((await get('/v3/auth/projects', unscoped)).json() as { projects: { id: string }[] }).projects
        .map((p) => p.id)
        .sort()
    assert.deepEqual(await projects(), [demoProjectId])

    const group = await env.store.identity.createGroup({ name: 'ops', domainId: 'default' })
    await env.store.identity.addUserToGroup(users.alice, group.id)
    await env.store.assignment.grant({
      roleId: roles.member,
      actor: { type: 'group', id: group.id },
      target: { type: 'project', id: adminProjectId },
    })
    const child = await env.store.resource.createProject({
      name: 'child',
      domainId: otherDomainId,
    })
    await env.store.assignment.grant({
      roleId: roles.reader,
      actor: { type: 'user', id: users.alice },
      target: { type: 'domain', id: otherDomainId },
      inherited: true,
    })
    const expected = [demoProjectId, adminProjectId, child.id, env.seeded.otherProjectId].sort()
    assert.deepEqual(await projects(), expected)

    const res = await get('/v3/auth/projects', unscoped)
    const body = res.json() as { projects: Record<string, unknown>[]; links: unknown }
    assert.deepEqual(body.links, {
      next: null,
      self: 'http://ks.example:5000/v3/auth/projects',
      previous: null,
    })
    const demo = body.projects.find((p) => p.id === demoProjectId)
    assert.deepEqual(demo, {
      id: demoProjectId,
      name: 'demo',
      domain_id: 'default',
      description: null,
      enabled: true,
      parent_id: 'default',
      is_domain: false,
      tags: [],
      options: {},
      links: { self: `http://ks.example:5000/v3/projects/${demoProjectId}` },
    })

    const domains = (await get('/v3/auth/domains', unscoped)).json() as {
      domains: { id: string }[]
    }
    // the inherited grant on Other applies to its projects, not to the domain itself
    assert.deepEqual(
      domains.domains.map((d) => d.id),
      ['default'],
    )
  })

  test('system: only a system role held directly (Keystone ignores groups here)', async () => {
    const { users, roles } = env.seeded
    const admin = await tokenFor(users.admin, 'admin', 'unscoped')
    assert.deepEqual((await get('/v3/auth/system', admin)).json(), {
      system: [{ all: true }],
      links: { self: 'http://ks.example:5000/v3/auth/system' },
    })
    const group = await env.store.identity.createGroup({ name: 'sys', domainId: 'default' })
    await env.store.identity.addUserToGroup(users.bob, group.id)
    await env.store.assignment.grantSystem({ type: 'group', id: group.id }, roles.reader)
    const bob = await tokenFor(users.bob, 'bob', 'unscoped')
    assert.deepEqual((await get('/v3/auth/system', bob)).json(), {
      system: [],
      links: { self: 'http://ks.example:5000/v3/auth/system' },
    })
    // ...though a system-scoped token works for bob through the group
    assert.equal(
      (
        await env.app.inject({
          method: 'POST',
          url: '/v3/auth/tokens',
          payload: { auth: passwordAuth(users.bob, 'bob', { system: { all: true } }) },
        })
      ).statusCode,
      201,
    )
  })

  test('HEAD works, other methods are 405, no token is 401', async () => {
    const token = await tokenFor(env.seeded.users.alice, 'alice')
    for (const url of [
      '/v3/auth/catalog',
      '/v3/auth/projects',
      '/v3/auth/domains',
      '/v3/auth/system',
    ]) {
      const head = await env.app.inject({ method: 'HEAD', url, headers: { 'x-auth-token': token } })
      assert.equal(head.statusCode, 200, url)
      assert.equal(head.body, '')
      assert.equal((await env.app.inject({ method: 'POST', url })).statusCode, 405, url)
      assert.equal((await env.app.inject({ url })).statusCode, 401, url)
    }
  })
})
