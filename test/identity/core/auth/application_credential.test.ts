import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, test } from 'node:test'
import { hashPassword } from '../../../../packages/identity/src/passwords/index.ts'
import { type AuthEnv, createAuthEnv, HASHING, T0, tokenAuth } from '../tokens/auth_env.ts'

type Res = { status: number; token: string; body: Record<string, unknown> }

describe('the application_credential method', () => {
  let env: AuthEnv
  let credId: string
  beforeEach(async () => {
    env = await createAuthEnv()
    const { users, demoProjectId, roles } = env.seeded
    credId = (
      await env.store.applicationCredentials.create({
        name: 'monitoring',
        userId: users.alice,
        projectId: demoProjectId,
        secretHash: await hashPassword('s3cret', HASHING),
        roleIds: [roles.reader],
      })
    ).id
  })
  afterEach(() => env.close())

  const post = async (identity: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
    const res = await env.app.inject({
      method: 'POST',
      url: '/v3/auth/tokens',
      payload: {
        auth: { identity: { methods: ['application_credential'], ...identity }, ...extra },
      },
    })
    return {
      status: res.statusCode,
      token: String(res.headers['x-subject-token'] ?? ''),
      body: res.json() as Record<string, unknown>,
    } satisfies Res
  }
  const byId = (secret = 's3cret', more: Record<string, unknown> = {}) => ({
    application_credential: { id: credId, secret, ...more },
  })

  test("by id: scoped to the credential's project, with its roles only", async () => {
    const res = await post(byId())
    assert.equal(res.status, 201)
    const token = res.body.token as Record<string, unknown>
    assert.deepEqual(token.methods, ['application_credential'])
    assert.equal((token.project as { id: string }).id, env.seeded.demoProjectId)
    assert.deepEqual(token.roles, [{ id: env.seeded.roles.reader, name: 'reader' }])
    assert.deepEqual(token.application_credential, {
      id: credId,
      name: 'monitoring',
      restricted: true,
    })
  })

  test('a credential with access rules puts them in the token body, on issue and validate', async () => {
    const { users, demoProjectId, roles } = env.seeded
    const rule = { id: 'a'.repeat(32), service: 'compute', path: '/v2.1/servers/*', method: 'GET' }
    const limited = await env.store.applicationCredentials.create({
      name: 'limited',
      userId: users.alice,
      projectId: demoProjectId,
      secretHash: await hashPassword('s3cret', HASHING),
      roleIds: [roles.reader],
      accessRules: [rule],
    })
    const res = await post({ application_credential: { id: limited.id, secret: 's3cret' } })
    assert.equal(res.status, 201)
    const expected = { id: limited.id, name: 'limited', restricted: true, access_rules: [rule] }
    assert.deepEqual((res.body.token as Record<string, unknown>).application_credential, expected)
    const validated = await env.app.inject({
      method: 'GET',
      url: '/v3/auth/tokens',
      headers: { 'x-auth-token': res.token, 'x-subject-token': res.token },
    })
    assert.equal(validated.statusCode, 200, validated.body)
    const body = validated.json() as { token: Record<string, unknown> }
    assert.deepEqual(body.token.application_credential, expected)
  })

  test('by name with the user by id, or by name and domain', async () => {
    const { users } = env.seeded
    const cases = [
      { name: 'monitoring', secret: 's3cret', user: { id: users.alice } },
      { name: 'monitoring', secret: 's3cret', user: { name: 'alice', domain: { id: 'default' } } },
      {
        name: 'monitoring',
        secret: 's3cret',
        user: { name: 'alice', domain: { name: 'Default' } },
      },
    ]
    for (const application_credential of cases) {
      const res = await post({ application_credential })
      assert.equal(res.status, 201, JSON.stringify(application_credential))
    }
  })

  test('failures', async () => {
    const { users } = env.seeded
    const generic = 'The request you have made requires authentication.'
    const table: [string, Record<string, unknown>, Record<string, unknown>, number, string][] = [
      ['wrong secret', byId('nope'), {}, 401, generic],
      ['no secret', { application_credential: { id: credId } }, {}, 401, generic],
      ['numeric secret', { application_credential: { id: credId, secret: 5 } }, {}, 401, generic],
      [
        'unknown id',
        { application_credential: { id: 'abc', secret: 'x' } },
        {},
        404,
        'Could not find Application Credential: abc.',
      ],
      [
        'unknown name',
        { application_credential: { name: 'x', secret: 's3cret', user: { id: users.alice } } },
        {},
        401,
        generic,
      ],
      [
        'name of another user',
        {
          application_credential: { name: 'monitoring', secret: 's3cret', user: { id: users.bob } },
        },
        {},
        401,
        generic,
      ],
      [
        'unknown user name',
        {
          application_credential: {
            name: 'monitoring',
            secret: 's3cret',
            user: { name: 'ghost', domain: { id: 'default' } },
          },
        },
        {},
        401,
        generic,
      ],
      [
        'scope requested',
        byId(),
        { scope: 'unscoped' },
        401,
        'Error authenticating with application credential: Application credentials cannot request a scope.',
      ],
      [
        'no id nor name',
        { application_credential: { secret: 'x' } },
        {},
        400,
        'Expecting to find name or ID in application credential. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.',
      ],
      [
        'name without user',
        { application_credential: { name: 'monitoring', secret: 'x' } },
        {},
        400,
        'Expecting to find user in application credential. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.',
      ],
      [
        'not an object',
        { application_credential: 'x' },
        {},
        400,
        'Expecting to find name or ID in application credential. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.',
      ],
    ]
    for (const [label, identity, extra, status, message] of table) {
      const res = await post(identity, extra)
      assert.equal(res.status, status, `${label}: ${JSON.stringify(res.body)}`)
      if (message !== '') {
        assert.equal((res.body as { error: { message: string } }).error.message, message, label)
      }
    }
  })

  test('the owner is always the user, whatever user the request names (LP#2148477)', async () => {
    const res = await post(byId('s3cret', { user: { id: env.seeded.users.admin } }))
    assert.equal(res.status, 201)
    assert.equal((res.body.token as { user: { id: string } }).user.id, env.seeded.users.alice)
    await env.store.identity.updateUser(env.seeded.users.alice, { enabled: false })
    assert.equal((await post(byId())).status, 401)
  })

  test('expiry: refused once expired; a token never outlives its credential', async () => {
    const { users, demoProjectId, roles } = env.seeded
    const expiring = await env.store.applicationCredentials.create({
      name: 'short',
      userId: users.alice,
      projectId: demoProjectId,
      secretHash: await hashPassword('s3cret', HASHING),
      roleIds: [roles.member],
      expiresAt: (T0 + 100_500) * 1000,
      unrestricted: true,
    })
    const auth = { application_credential: { id: expiring.id, secret: 's3cret' } }
    const res = await post(auth)
    assert.equal(res.status, 201)
    const token = res.body.token as Record<string, unknown>
    assert.equal(token.expires_at, '2030-01-01T00:01:40.000000Z')
    assert.deepEqual(
      (token.roles as { name: string }[]).map((r) => r.name),
      ['member'],
    )
    assert.equal((token.application_credential as { restricted: boolean }).restricted, false)
    env.clock.advance(100)
    await assert.rejects(env.tokens.validate(res.token), { status: 404 })
    env.clock.ms = T0 + 100_500
    assert.equal((await post(auth)).status, 401)
  })

  test('its tokens cannot be re-scoped, and lose their roles with the user', async () => {
    const { users, demoProjectId, roles } = env.seeded
    const issued = await post(byId())
    const rescope = await env.app.inject({
      method: 'POST',
      url: '/v3/auth/tokens',
      payload: { auth: tokenAuth(issued.token) },
    })
    assert.equal(rescope.statusCode, 403)
    assert.equal(
      (rescope.json() as { error: { message: string } }).error.message,
      'You are not authorized to perform the requested action: Using a delegated token to ' +
        'create another token is not allowed..',
    )
    await env.store.assignment.revokeGrant({
      roleId: roles.member,
      actor: { type: 'user', id: users.alice },
      target: { type: 'project', id: demoProjectId },
    })
    await assert.rejects(env.tokens.validate(issued.token), { status: 404 })
    await env.store.applicationCredentials.delete(credId)
    await assert.rejects(env.tokens.validate(issued.token), {
      status: 404,
      message: `Could not find Application Credential: ${credId}.`,
    })
  })
})
