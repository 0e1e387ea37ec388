import assert from 'node:assert/strict'
import { afterEach, test } from 'node:test'
import { generateKey, MultiFernet } from '@baton/fernet'
import {
  createValidationCache,
  type ValidationCache,
} from '../../../packages/identity/src/cache/index.ts'
import { type AuthEnv, createAuthEnv, passwordAuth } from '../core/tokens/auth_env.ts'

let env: AuthEnv | undefined
afterEach(() => env?.close())

/** An environment with the server's validation cache and keys the test can rotate. */
async function withKeys(initial: string[]) {
  let keys = new MultiFernet(initial)
  const cache: ValidationCache = createValidationCache()
  env = await createAuthEnv({}, { validationCache: cache, keys: () => keys })
  return {
    env,
    cache,
    use(next: string[]) {
      keys = new MultiFernet(next)
    },
  }
}

test('a cached validation skips decryption, and a rotation that purges the signing key ends it', async () => {
  const [a, b] = [generateKey(), generateKey()]
  const { env, cache, use } = await withKeys([a])
  const { token } = await env.auth.authenticateForToken(passwordAuth(env.seeded.users.bob, 'bob'))
  const hitsBefore = cache.mints.stats.hits
  await env.tokens.validate(token)
  await env.tokens.validate(token)
  assert.equal(cache.mints.stats.hits - hitsBefore, 2, 'the issued mint was not reused')

  use([b, a]) // rotated: b signs, a still accepted
  assert.equal((await env.tokens.validate(token)).user.id, env.seeded.users.bob)
  use([b]) // a purged
  await assert.rejects(env.tokens.validate(token), { name: 'TokenNotFound' })
})

test('a tampered copy of a cached token is refused', async () => {
  const { env } = await withKeys([generateKey()])
  const { token } = await env.auth.authenticateForToken(passwordAuth(env.seeded.users.bob, 'bob'))
  await env.tokens.validate(token)
  const tampered = `${token.slice(0, -2)}${token.endsWith('A') ? 'B' : 'A'}${token.slice(-1)}`
  await assert.rejects(env.tokens.validate(tampered), { name: 'TokenNotFound' })
})
