import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, test } from 'node:test'
import { type AuthEnv, createAuthEnv, passwordAuth, T0 } from './auth_env.ts'

type Body = { token: Record<string, unknown> }

describe('issuing tokens: every scope a password login can ask for', () => {
  let env: AuthEnv
  beforeEach(async () => {
    env = await createAuthEnv()
  })
  afterEach(() => env.close())

  const post = (auth: unknown, query = '') =>
    env.app.inject({ method: 'POST', url: `/v3/auth/tokens${query}`, payload: { auth } })

  test('scope table: status, scope keys and role names', async () => {
    const { users, demoProjectId, adminProjectId, defaultDomainId } = env.seeded
    const cases: [string, string, string, unknown, number, string[], string[]][] = [
      // label, user, name, scope, status, scope keys present, role names
      [
        'project by id',
        users.alice,
        'alice',
        { project: { id: demoProjectId } },
        201,
        ['project', 'is_domain', 'roles', 'catalog'],
        ['member', 'reader'],
      ],
      [
        'project by name + domain id',
        users.alice,
        'alice',
        { project: { name: 'demo', domain: { id: 'default' } } },
        201,
        ['project'],
        ['member', 'reader'],
      ],
      [
        'project by name + domain name',
        users.alice,
        'alice',
        { project: { name: 'demo', domain: { name: 'Default' } } },
        201,
        ['project'],
        ['member', 'reader'],
      ],
      [
        'domain by id',
        users.alice,
        'alice',
        { domain: { id: defaultDomainId } },
        201,
        ['domain', 'roles', 'catalog'],
        ['reader'],
      ],
      [
        'domain by name',
        users.alice,
        'alice',
        { domain: { name: 'Default' } },
        201,
        ['domain'],
        ['reader'],
      ],
      [
        'system',
        users.admin,
        'admin',
        { system: { all: true } },
        201,
        ['system', 'roles', 'catalog'],
        ['admin', 'manager', 'member', 'reader'],
      ],
      ['explicitly unscoped', users.alice, 'alice', 'unscoped', 201, [], []],
      ['legacy unscoped', users.alice, 'alice', { unscoped: {} }, 201, [], []],
      [
        'admin on admin project',
        users.admin,
        'admin',
        { project: { id: adminProjectId } },
        201,
        ['project'],
        ['admin', 'manager', 'member', 'reader'],
      ],
      ['no role on project', users.bob, 'bob', { project: { id: adminProjectId } }, 401, [], []],
      ['no role on domain', users.bob, 'bob', { domain: { id: defaultDomainId } }, 401, [], []],
      ['no system role', users.alice, 'alice', { system: { all: true } }, 401, [], []],
      ['unknown project id', users.alice, 'alice', { project: { id: 'nope' } }, 401, [], []],
      [
        'unknown project name',
        users.alice,
        'alice',
        { project: { name: 'nope', domain: { id: 'default' } } },
        401,
        [],
        [],
      ],
      ['unknown domain', users.alice, 'alice', { domain: { name: 'Nope' } }, 401, [], []],
      [
        'a domain as project',
        users.alice,
        'alice',
        { project: { id: defaultDomainId } },
        401,
        [],
        [],
      ],
      ['trust scope', users.alice, 'alice', { 'OS-TRUST:trust': { id: 'abc' } }, 401, [], []],
    ]
    for (const [label, userId, name, scope, status, keys, roleNames] of cases) {
      const res = await post(passwordAuth(userId, name, scope))
      assert.equal(res.statusCode, status, `${label}: ${res.body}`)
      if (status !== 201) {
        assert.deepEqual(res.json(), {
          error: {
            code: 401,
            title: 'Unauthorized',
            message: 'The request you have made requires authentication.',
          },
        })
        continue
      }
      const token = (res.json() as Body).token
      for (const key of keys) assert.ok(key in token, `${label}: ${key}`)
      for (const key of ['project', 'domain', 'system', 'roles', 'catalog', 'is_domain']) {
        if (!keys.includes(key) && !(key === 'roles' && roleNames.length > 0)) {
          if (keys.length === 0) assert.ok(!(key in token), `${label}: no ${key}`)
        }
      }
      const roles = ((token.roles as { name: string }[] | undefined) ?? []).map((r) => r.name)
      assert.deepEqual(roles.sort(), roleNames, label)
      assert.match(String(res.headers['x-subject-token']), /^gAAAAA[\w-]+$/, label)
    }
  })

  test('no scope: the default project when the user holds a role there, else unscoped', async () => {
    const { users, demoProjectId, adminProjectId } = env.seeded
    const alice = (await post(passwordAuth(users.alice, 'alice'))).json() as Body
    assert.deepEqual((alice.token.project as { id: string }).id, demoProjectId)

    // bob has no default project
    const bob = (await post(passwordAuth(users.bob, 'bob'))).json() as Body
    assert.equal(bob.token.project, undefined)

    // a default project without a role, a disabled one, a deleted one: unscoped, not an error
    await env.store.identity.updateUser(users.bob, { defaultProjectId: adminProjectId })
    assert.equal(
      ((await post(passwordAuth(users.bob, 'bob'))).json() as Body).token.project,
      undefined,
    )
    await env.store.resource.updateProject(demoProjectId, { enabled: false })
    const disabled = await post(passwordAuth(users.alice, 'alice'))
    assert.equal(disabled.statusCode, 201)
    assert.equal((disabled.json() as Body).token.project, undefined)
    await env.store.identity.updateUser(users.alice, { defaultProjectId: 'gone' })
    assert.equal((await post(passwordAuth(users.alice, 'alice'))).statusCode, 201)
  })

  test('"unscoped" skips the default project', async () => {
    const res = await post(passwordAuth(env.seeded.users.alice, 'alice', 'unscoped'))
    const token = (res.json() as Body).token
    assert.deepEqual(Object.keys(token).sort(), [
      'audit_ids',
      'expires_at',
      'issued_at',
      'methods',
      'user',
    ])
  })

  test('times: issued now, expiring [token] expiration later, .000000Z', async () => {
    env.clock.ms = T0 + 1500
    const token = ((await post(passwordAuth(env.seeded.users.alice, 'alice'))).json() as Body).token
    assert.equal(token.issued_at, '2030-01-01T00:00:01.000000Z')
    assert.equal(token.expires_at, '2030-01-01T01:00:01.000000Z')
    assert.match(String((token.audit_ids as string[])[0]), /^[A-Za-z0-9_-]{22}$/)
  })

  test('?nocatalog drops the catalog; unscoped tokens never have one', async () => {
    const { users, demoProjectId } = env.seeded
    const scoped = passwordAuth(users.alice, 'alice', { project: { id: demoProjectId } })
    assert.ok('catalog' in ((await post(scoped)).json() as Body).token)
    assert.ok(!('catalog' in ((await post(scoped, '?nocatalog')).json() as Body).token))
    assert.ok(!('catalog' in ((await post(scoped, '?nocatalog=0')).json() as Body).token))
  })

  test('disabled user, disabled user domain, disabled project or scope domain: 401', async () => {
    const { users, demoProjectId, otherDomainId, otherProjectId } = env.seeded
    await env.store.identity.updateUser(users.bob, { enabled: false })
    assert.equal((await post(passwordAuth(users.bob, 'bob'))).statusCode, 401)

    await env.store.resource.updateProject(demoProjectId, { enabled: false })
    const scoped = passwordAuth(users.alice, 'alice', { project: { id: demoProjectId } })
    assert.equal((await post(scoped)).statusCode, 401)

    await env.store.resource.updateDomain(otherDomainId, { enabled: false })
    assert.equal((await post(passwordAuth(users.dora, 'dora'))).statusCode, 401)
    const intoDisabled = passwordAuth(users.admin, 'admin', { project: { id: otherProjectId } })
    assert.equal((await post(intoDisabled)).statusCode, 401)
  })
})
