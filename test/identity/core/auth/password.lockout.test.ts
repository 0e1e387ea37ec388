import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, test } from 'node:test'
import { hashPassword } from '../../../../packages/identity/src/passwords/index.ts'
import { type AuthEnv, createAuthEnv, HASHING, passwordAuth } from '../tokens/auth_env.ts'

const GENERIC = 'The request you have made requires authentication.'

describe('the password method', () => {
  let env: AuthEnv
  beforeEach(async () => {
    env = await createAuthEnv({
      security_compliance: { lockout_failure_attempts: '3', lockout_duration: '60' },
    })
  })
  afterEach(() => env.close())

  const login = async (auth: unknown) => {
    const res = await env.app.inject({ method: 'POST', url: '/v3/auth/tokens', payload: { auth } })
    return {
      status: res.statusCode,
      message: (res.json() as { error?: { message: string } }).error?.message,
    }
  }
  const wrong = (userId: string) => ({
    identity: { methods: ['password'], password: { user: { id: userId, password: 'nope' } } },
  })

  test('one generic 401 for an unknown user, a wrong password, a disabled user or domain', async () => {
    const { users } = env.seeded
    const byName = (name: string, domain: Record<string, string>, password: string) => ({
      identity: { methods: ['password'], password: { user: { name, domain, password } } },
    })
    await env.store.identity.updateUser(users.svc, { enabled: false })
    await env.store.resource.updateDomain(env.seeded.otherDomainId, { enabled: false })
    for (const auth of [
      wrong(users.bob),
      wrong('no-such-user'),
      byName('nobody', { id: 'default' }, 'x'),
      byName('bob', { name: 'Nope' }, 'secret-bob'),
      byName('bob', { id: 'nope' }, 'secret-bob'),
      passwordAuth(users.svc, 'svc'),
      passwordAuth(users.dora, 'dora'),
      byName('dora', { name: 'Other' }, 'secret-dora'),
      { identity: { methods: ['password'], password: { user: { id: users.bob } } } },
    ]) {
      assert.deepEqual(await login(auth), { status: 401, message: GENERIC }, JSON.stringify(auth))
    }
    assert.equal((await login(byName('bob', { name: 'Default' }, 'secret-bob'))).status, 201)
  })

  test('lockout after lockout_failure_attempts failures, for lockout_duration seconds', async () => {
    const { users } = env.seeded
    for (let i = 0; i < 3; i++) assert.equal((await login(wrong(users.bob))).status, 401)
    assert.equal((await env.store.identity.getUser(users.bob)).failedAuthCount, 3)
    // even the right password is refused while locked, with the generic message (Keystone's
    // notification wrapper replaces AccountLocked with a bare Unauthorized)
    assert.deepEqual(await login(passwordAuth(users.bob, 'bob')), { status: 401, message: GENERIC })
    env.clock.advance(59)
    assert.equal((await login(passwordAuth(users.bob, 'bob'))).status, 401)
    env.clock.advance(2)
    assert.equal((await login(passwordAuth(users.bob, 'bob'))).status, 201)
    assert.equal((await env.store.identity.getUser(users.bob)).failedAuthCount, 0)
  })

  test('a success resets the count; ignore_lockout_failure_attempts exempts a user', async () => {
    const { users } = env.seeded
    await login(wrong(users.bob))
    await login(wrong(users.bob))
    assert.equal((await login(passwordAuth(users.bob, 'bob'))).status, 201)
    assert.equal((await env.store.identity.getUser(users.bob)).failedAuthCount, 0)

    await env.store.identity.updateUser(users.alice, {
      options: { ignore_lockout_failure_attempts: true },
    })
    for (let i = 0; i < 5; i++) await login(wrong(users.alice))
    assert.equal((await login(passwordAuth(users.alice, 'alice'))).status, 201)
  })

  test('failures are counted with lockout disabled too (Keystone counts them)', async () => {
    const open = await createAuthEnv()
    try {
      const res = await open.app.inject({
        method: 'POST',
        url: '/v3/auth/tokens',
        payload: { auth: wrong(open.seeded.users.bob) },
      })
      assert.equal(res.statusCode, 401)
      assert.equal((await open.store.identity.getUser(open.seeded.users.bob)).failedAuthCount, 1)
    } finally {
      await open.close()
    }
  })

  test('an expired password is refused with its own message, unless exempt', async () => {
    const { users } = env.seeded
    await env.store.identity.setPassword(users.bob, {
      hash: await hashPassword('secret-bob', HASHING),
      expiresAt: env.clock.ms * 1000 + 10_000_000,
    })
    assert.equal((await login(passwordAuth(users.bob, 'bob'))).status, 201)
    env.clock.advance(10)
    assert.deepEqual(await login(passwordAuth(users.bob, 'bob')), {
      status: 401,
      message: `The password is expired and needs to be changed for user: ${users.bob}.`,
    })
    await env.store.identity.updateUser(users.bob, { options: { ignore_password_expiry: true } })
    assert.equal((await login(passwordAuth(users.bob, 'bob'))).status, 201)
  })

  test('multi-factor rules: the user must satisfy one rule, counting enabled methods only', async () => {
    const { users } = env.seeded
    await env.store.identity.updateUser(users.bob, {
      options: { multi_factor_auth_rules: [['password', 'token']] },
    })
    assert.deepEqual(await login(passwordAuth(users.bob, 'bob')), {
      status: 401,
      message: `Insufficient auth methods received for ${users.bob}. Auth Methods Provided: [password].`,
    })
    // totp is not in [auth] methods here, so a [password, totp] rule reduces to [password]
    await env.store.identity.updateUser(users.bob, {
      options: { multi_factor_auth_rules: [['password', 'totp']] },
    })
    assert.equal((await login(passwordAuth(users.bob, 'bob'))).status, 201)
    await env.store.identity.updateUser(users.bob, {
      options: {
        multi_factor_auth_rules: [['password', 'token']],
        multi_factor_auth_enabled: false,
      },
    })
    assert.equal((await login(passwordAuth(users.bob, 'bob'))).status, 201)
  })
})
