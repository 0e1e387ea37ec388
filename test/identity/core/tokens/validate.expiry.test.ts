import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, test } from 'node:test'
import { type AuthEnv, createAuthEnv, passwordAuth, T0 } from './auth_env.ts'

describe('expiry and the allow_expired window', () => {
  let env: AuthEnv
  beforeEach(async () => {
    // keystone test_fetch_expired_allow_expired: expiration=10, allow_expired_window=20
    env = await createAuthEnv({ token: { expiration: '10', allow_expired_window: '20' } })
  })
  afterEach(() => env.close())

  async function token(): Promise<string> {
    const res = await env.app.inject({
      method: 'POST',
      url: '/v3/auth/tokens',
      payload: { auth: passwordAuth(env.seeded.users.admin, 'admin', { system: { all: true } }) },
    })
    return String(res.headers['x-subject-token'])
  }

  test("Keystone's timeline: 200 at +2 s, 404 at +14 s, 200 with allow_expired, 404 at +36 s", async () => {
    const caller = await token() // the caller's own token is fresh each time
    const subject = caller
    const fetch = async (query: string, auth: string) =>
      (
        await env.app.inject({
          url: `/v3/auth/tokens${query}`,
          headers: { 'x-auth-token': auth, 'x-subject-token': subject },
        })
      ).statusCode
    env.clock.ms = T0 + 2000
    assert.equal(await fetch('', caller), 200)
    env.clock.ms = T0 + 14_000
    const fresh = await token()
    assert.equal(await fetch('', fresh), 404)
    assert.equal(await fetch('?allow_expired=1', fresh), 200)
    assert.equal(await fetch('?allow_expired=true', fresh), 200)
    assert.equal(await fetch('?allow_expired=%20YES%20', fresh), 200)
    assert.equal(await fetch('?allow_expired=0', fresh), 404)
    assert.equal(await fetch('?allow_expired=maybe', fresh), 404)
    assert.equal(await fetch('?allow_expired', fresh), 404)
    env.clock.ms = T0 + 36_000
    assert.equal(await fetch('?allow_expired=1', await token()), 404)
  })

  test('the comparison is strict: valid until the last millisecond before expires_at', async () => {
    const subject = await token()
    env.clock.ms = T0 + 9_999
    await env.tokens.validate(subject)
    env.clock.ms = T0 + 10_000
    await assert.rejects(env.tokens.validate(subject), {
      status: 404,
      message: 'Failed to validate token',
    })
    env.clock.ms = T0 + 29_999
    await env.tokens.validate(subject, { allowExpired: true })
    env.clock.ms = T0 + 30_000
    await assert.rejects(env.tokens.validate(subject, { allowExpired: true }), { status: 404 })
    // an explicit window overrides [token] allow_expired_window
    await env.tokens.validate(subject, { allowExpired: true, windowSeconds: 100 })
  })

  test('an expired caller token is a 401 even with ?allow_expired', async () => {
    const caller = await token()
    env.clock.ms = T0 + 11_000
    const res = await env.app.inject({
      url: '/v3/auth/tokens?allow_expired=1',
      headers: { 'x-auth-token': caller, 'x-subject-token': caller },
    })
    assert.equal(res.statusCode, 401)
    assert.match(String(res.headers['www-authenticate']), /^Keystone uri="http:\/\/.*\/v3"$/)
  })

  test('empty and missing tokens', async () => {
    await assert.rejects(env.tokens.validate(''), {
      status: 404,
      message: 'No token in the request',
    })
    await assert.rejects(env.tokens.validate(undefined), { status: 404 })
    await assert.rejects(env.tokens.validate('gAAAAA'), {
      status: 404,
      message: 'Could not recognize Fernet token',
    })
  })
})
