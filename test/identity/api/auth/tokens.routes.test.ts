import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, test } from 'node:test'
import { type AuthEnv, createAuthEnv, passwordAuth } from '../../core/tokens/auth_env.ts'

describe('/v3/auth/tokens over HTTP', () => {
  let env: AuthEnv
  beforeEach(async () => {
    env = await createAuthEnv()
  })
  afterEach(() => env.close())

  const issue = async (auth: unknown) => {
    const res = await env.app.inject({ method: 'POST', url: '/v3/auth/tokens', payload: { auth } })
    assert.equal(res.statusCode, 201, res.body)
    return { token: String(res.headers['x-subject-token']), body: res.json() as unknown }
  }
  const call = (method: 'GET' | 'HEAD' | 'DELETE', caller: string | undefined, subject?: string) =>
    env.app.inject({
      method,
      url: '/v3/auth/tokens',
      headers: {
        ...(caller === undefined ? {} : { 'x-auth-token': caller }),
        ...(subject === undefined ? {} : { 'x-subject-token': subject }),
      },
    })

  test('POST 201, GET 200 with the same body, HEAD 200 without one, DELETE 204', async () => {
    const { users } = env.seeded
    const alice = await issue(passwordAuth(users.alice, 'alice'))
    const res = await env.app.inject({
      method: 'POST',
      url: '/v3/auth/tokens',
      payload: { auth: passwordAuth(users.alice, 'alice') },
    })
    assert.match(String(res.headers['content-type']), /^application\/json/)

    const get = await call('GET', alice.token, alice.token)
    assert.equal(get.statusCode, 200)
    assert.equal(get.headers['x-subject-token'], alice.token)
    assert.deepEqual(get.json(), alice.body)
    const noCatalog = await env.app.inject({
      url: '/v3/auth/tokens?nocatalog',
      headers: { 'x-auth-token': alice.token, 'x-subject-token': alice.token },
    })
    assert.ok(!('catalog' in (noCatalog.json() as { token: object }).token))

    const head = await call('HEAD', alice.token, alice.token)
    assert.equal(head.statusCode, 200)
    assert.equal(head.body, '')
    assert.equal(head.headers['x-subject-token'], alice.token)

    const other = await issue(passwordAuth(users.alice, 'alice'))
    const del = await call('DELETE', other.token, alice.token)
    assert.equal(del.statusCode, 204)
    assert.equal(del.body, '')
    assert.equal((await call('GET', other.token, alice.token)).statusCode, 404)
    // a revoked token is no longer a caller either
    assert.equal((await call('GET', alice.token, other.token)).statusCode, 401)
  })

  test('policy: admin, system reader, service role, the subject, another user', async () => {
    const { users, adminProjectId, roles } = env.seeded
    await env.store.assignment.grantSystem({ type: 'user', id: users.dora }, roles.reader)
    const callers = {
      admin: (await issue(passwordAuth(users.admin, 'admin', { project: { id: adminProjectId } })))
        .token,
      systemReader: (await issue(passwordAuth(users.dora, 'dora', { system: { all: true } })))
        .token,
      service: (await issue(passwordAuth(users.svc, 'svc', { project: { id: adminProjectId } })))
        .token,
      subject: (await issue(passwordAuth(users.alice, 'alice', 'unscoped'))).token,
      other: (await issue(passwordAuth(users.bob, 'bob'))).token,
    }
    // GET = identity:validate_token, HEAD = identity:check_token (no service role),
    // DELETE = identity:revoke_token (admin or subject only)
    const expected: Record<keyof typeof callers, [number, number, number]> = {
      admin: [200, 200, 204],
      systemReader: [200, 200, 403],
      service: [200, 403, 403],
      subject: [200, 200, 204],
      other: [403, 403, 403],
    }
    for (const [who, caller] of Object.entries(callers) as [keyof typeof callers, string][]) {
      const subject = (await issue(passwordAuth(users.alice, 'alice'))).token
      const got = [
        (await call('GET', caller, subject)).statusCode,
        (await call('HEAD', caller, subject)).statusCode,
        (await call('DELETE', caller, subject)).statusCode,
      ]
      assert.deepEqual(got, expected[who], who)
    }
    const denied = await call(
      'GET',
      callers.other,
      (await issue(passwordAuth(users.alice, 'alice'))).token,
    )
    assert.deepEqual(denied.json(), {
      error: {
        code: 403,
        title: 'Forbidden',
        message: 'You are not authorized to perform the requested action: identity:validate_token.',
      },
    })
  })

  test('404 before 403: the subject is validated before policy runs', async () => {
    const { users } = env.seeded
    const bob = (await issue(passwordAuth(users.bob, 'bob'))).token
    const admin = (await issue(passwordAuth(users.admin, 'admin', { system: { all: true } }))).token
    for (const method of ['GET', 'HEAD', 'DELETE'] as const) {
      assert.equal((await call(method, bob, 'garbage')).statusCode, 404, method)
      // without a subject there is no target: policy says no to bob, admin learns why
      assert.equal((await call(method, bob)).statusCode, 403, method)
      assert.equal((await call(method, admin)).statusCode, 404, method)
    }
    assert.deepEqual((await call('GET', admin)).json(), {
      error: { code: 404, title: 'Not Found', message: 'No token in the request' },
    })
    assert.deepEqual((await call('GET', bob, 'garbage')).json(), {
      error: { code: 404, title: 'Not Found', message: 'Could not recognize Fernet token' },
    })
  })

  test('DELETE honours allow_expired for the policy target only, as Keystone', async () => {
    const { users } = env.seeded
    const subject = (await issue(passwordAuth(users.alice, 'alice'))).token
    env.clock.advance(3600)
    const admin = (await issue(passwordAuth(users.admin, 'admin', { system: { all: true } }))).token
    const res = await env.app.inject({
      method: 'DELETE',
      url: '/v3/auth/tokens?allow_expired=1',
      headers: { 'x-auth-token': admin, 'x-subject-token': subject },
    })
    assert.equal(res.statusCode, 404)
    const get = await env.app.inject({
      url: '/v3/auth/tokens?allow_expired=1',
      headers: { 'x-auth-token': admin, 'x-subject-token': subject },
    })
    assert.equal(get.statusCode, 200)
  })

  test('the caller token: missing, garbage or expired is a 401 with WWW-Authenticate', async () => {
    const { users } = env.seeded
    const alice = (await issue(passwordAuth(users.alice, 'alice'))).token
    for (const caller of [undefined, '', 'garbage', `${alice}x`]) {
      const res = await call('GET', caller, alice)
      assert.equal(res.statusCode, 401, String(caller))
      assert.equal(res.headers['www-authenticate'], 'Keystone uri="http://localhost:80/v3"')
      assert.deepEqual(res.json(), {
        error: {
          code: 401,
          title: 'Unauthorized',
          message: 'The request you have made requires authentication.',
        },
      })
    }
  })

  test('405 for methods the path does not take', async () => {
    for (const method of ['PUT', 'PATCH'] as const) {
      const res = await env.app.inject({ method, url: '/v3/auth/tokens' })
      assert.equal(res.statusCode, 405, method)
    }
  })
})
