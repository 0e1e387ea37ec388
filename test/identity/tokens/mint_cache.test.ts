import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, test } from 'node:test'
import type { MintCache, TokenModel } from '../../../packages/identity/src/core/tokens/index.ts'
import { type AuthEnv, createAuthEnv, passwordAuth } from './auth_env.ts'

class CountingCache implements MintCache {
  readonly entries = new Map<string, TokenModel>()
  hits = 0
  get(key: string) {
    const found = this.entries.get(key)
    if (found) this.hits++
    return found
  }
  set(key: string, model: TokenModel) {
    this.entries.set(key, model)
  }
}

describe('a mint cache in front of validation', () => {
  let env: AuthEnv
  let cache: CountingCache
  beforeEach(async () => {
    cache = new CountingCache()
    env = await createAuthEnv({}, { cache })
  })
  afterEach(() => env.close())

  test('is keyed by a hash, never by the token', async () => {
    const { token } = await env.auth.authenticateForToken(passwordAuth(env.seeded.users.bob, 'bob'))
    await env.tokens.validate(token)
    await env.tokens.validate(token)
    assert.equal(cache.hits, 1)
    assert.ok(![...cache.entries.keys()].some((key) => key.includes(token.slice(10, 30))))
    assert.ok(!JSON.stringify([...cache.entries.values()]).includes(token))
  })

  test('expiry, revocation and the user being disabled still apply to cached mints', async () => {
    const { users } = env.seeded
    const { token } = await env.auth.authenticateForToken(passwordAuth(users.bob, 'bob'))
    await env.tokens.validate(token)
    await env.store.identity.updateUser(users.bob, { enabled: false })
    await assert.rejects(env.tokens.validate(token), { status: 404 })
    await env.store.identity.updateUser(users.bob, { enabled: true })
    await env.tokens.validate(token)
    env.clock.advance(3600)
    await assert.rejects(env.tokens.validate(token), { status: 404 })
    await env.tokens.validate(token, { allowExpired: true })
    env.clock.advance(-3600)
    await env.tokens.revoke(token)
    await assert.rejects(env.tokens.validate(token, { allowExpired: true }), { status: 404 })
    assert.ok(cache.hits >= 4)
  })
})
