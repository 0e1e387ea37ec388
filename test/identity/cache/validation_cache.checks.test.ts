import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, test } from 'node:test'
import {
  createValidationCache,
  type ValidationCache,
} from '../../../packages/identity/src/cache/index.ts'
import { type AuthEnv, createAuthEnv, passwordAuth } from '../core/tokens/auth_env.ts'

describe('the validation cache in front of validation', () => {
  let env: AuthEnv
  let cache: ValidationCache
  beforeEach(async () => {
    cache = createValidationCache()
    env = await createAuthEnv({}, { validationCache: cache })
  })
  afterEach(() => env.close())

  test('expiry, the allow_expired window, revocation and a disabled user still apply to cached mints', async () => {
    const { users } = env.seeded
    const { token } = await env.auth.authenticateForToken(passwordAuth(users.bob, 'bob'))
    await env.tokens.validate(token)
    const hits = cache.mints.stats.hits
    await env.store.identity.updateUser(users.bob, { enabled: false })
    await assert.rejects(env.tokens.validate(token), { status: 404 })
    await env.store.identity.updateUser(users.bob, { enabled: true })
    await env.tokens.validate(token)
    await env.tokens.validate(token)
    env.clock.advance(3600)
    await assert.rejects(env.tokens.validate(token), { status: 404 })
    await env.tokens.validate(token, { allowExpired: true })
    env.clock.advance(-3600)
    await env.tokens.revoke(token)
    await assert.rejects(env.tokens.validate(token, { allowExpired: true }), { status: 404 })
    assert.ok(cache.mints.stats.hits - hits >= 3, 'the checks ran on cache misses only')
  })
})
