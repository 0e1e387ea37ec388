import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, test } from 'node:test'
import { type AuthEnv, createAuthEnv, passwordAuth, tokenAuth } from './auth_env.ts'

type Body = { token: Record<string, unknown> }

describe('re-scoping with the token method', () => {
  let env: AuthEnv
  beforeEach(async () => {
    env = await createAuthEnv()
  })
  afterEach(() => env.close())

  async function issue(auth: unknown) {
    const res = await env.app.inject({ method: 'POST', url: '/v3/auth/tokens', payload: { auth } })
    return {
      status: res.statusCode,
      token: String(res.headers['x-subject-token'] ?? ''),
      body: res.json() as Body & { error?: { message: string } },
    }
  }

  test('keeps the original expiry, chains audit ids to the first token, merges methods', async () => {
    const { users, demoProjectId, defaultDomainId } = env.seeded
    const first = await issue(passwordAuth(users.alice, 'alice', 'unscoped'))
    env.clock.advance(600)
    const second = await issue(tokenAuth(first.token, { project: { id: demoProjectId } }))
    assert.equal(second.status, 201)
    const [firstAudit] = first.body.token.audit_ids as string[]
    assert.equal(second.body.token.expires_at, first.body.token.expires_at)
    assert.notEqual(second.body.token.issued_at, first.body.token.issued_at)
    const chain = second.body.token.audit_ids as string[]
    assert.equal(chain.length, 2)
    assert.notEqual(chain[0], firstAudit)
    assert.equal(chain[1], firstAudit)
    assert.deepEqual(second.body.token.methods, ['token', 'password'])

    // a re-scope of the re-scope still chains to the first token
    env.clock.advance(60)
    const third = await issue(tokenAuth(second.token, { domain: { id: defaultDomainId } }))
    assert.equal(third.status, 201)
    assert.equal((third.body.token.audit_ids as string[])[1], firstAudit)
    assert.equal(third.body.token.expires_at, first.body.token.expires_at)
  })

  test('POST and GET render the same body for a re-scoped token', async () => {
    const { users, demoProjectId } = env.seeded
    const first = await issue(passwordAuth(users.alice, 'alice'))
    const second = await issue(tokenAuth(first.token, { project: { id: demoProjectId } }))
    const get = await env.app.inject({
      url: '/v3/auth/tokens',
      headers: { 'x-auth-token': second.token, 'x-subject-token': second.token },
    })
    assert.equal(get.statusCode, 200)
    assert.deepEqual(get.json(), second.body)
  })

  test('the presented token must be valid: expired, revoked or garbage is a 404', async () => {
    const { users } = env.seeded
    const first = await issue(passwordAuth(users.alice, 'alice'))
    assert.equal((await issue(tokenAuth('garbage'))).status, 404)
    env.clock.advance(3600)
    const expired = await issue(tokenAuth(first.token))
    assert.equal(expired.status, 404)
    assert.equal(expired.body.error?.message, 'Failed to validate token')
  })

  test('a token issued with password and token methods together must name the same user', async () => {
    const { users } = env.seeded
    const bobs = await issue(passwordAuth(users.bob, 'bob'))
    const auth = {
      identity: {
        methods: ['password', 'token'],
        password: { user: { id: users.alice, password: 'secret-alice' } },
        token: { id: bobs.token },
      },
    }
    assert.equal((await issue(auth)).status, 401)
    const same = await issue({
      identity: {
        ...auth.identity,
        token: { id: (await issue(passwordAuth(users.alice, 'alice'))).token },
      },
    })
    assert.equal(same.status, 201)
    assert.deepEqual(same.body.token.methods, ['token', 'password'])
  })

  test('refusals: system to project/domain, delegated tokens, allow_rescope_scoped_token=false', async () => {
    const { users, adminProjectId, defaultDomainId } = env.seeded
    const system = await issue(passwordAuth(users.admin, 'admin', { system: { all: true } }))
    const toProject = await issue(tokenAuth(system.token, { project: { id: adminProjectId } }))
    assert.equal(toProject.status, 403)
    assert.equal(
      toProject.body.error?.message,
      'You are not authorized to perform the requested action: Using a system-scoped token to ' +
        'create a project-scoped or domain-scoped token is not allowed..',
    )
    assert.equal(
      (await issue(tokenAuth(system.token, { domain: { id: defaultDomainId } }))).status,
      403,
    )
    // system to system or unscoped is fine
    assert.equal((await issue(tokenAuth(system.token, { system: { all: true } }))).status, 201)

    const strict = await createAuthEnv({ token: { allow_rescope_scoped_token: 'false' } })
    try {
      const post = (auth: unknown) =>
        strict.app.inject({ method: 'POST', url: '/v3/auth/tokens', payload: { auth } })
      const s = strict.seeded
      const scoped = await post(passwordAuth(s.users.alice, 'alice'))
      const token = String(scoped.headers['x-subject-token'])
      const res = await post(tokenAuth(token, 'unscoped'))
      assert.equal(res.statusCode, 403)
      assert.equal(
        (res.json() as { error: { message: string } }).error.message,
        'You are not authorized to perform the requested action: rescope a scoped token.',
      )
      const unscoped = await post(passwordAuth(s.users.alice, 'alice', 'unscoped'))
      const again = await post(
        tokenAuth(String(unscoped.headers['x-subject-token']), {
          project: { id: s.demoProjectId },
        }),
      )
      assert.equal(again.statusCode, 201)
    } finally {
      await strict.close()
    }
  })
})
