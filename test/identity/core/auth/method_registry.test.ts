/**
 * The auth method registry: a method is one object keyed by its `[auth] methods` name; the core
 * runs the listed methods in order, merges their contributions and refuses methods that disagree
 * on the user. A stand-in `totp` method shows what adding a method takes.
 */
import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, test } from 'node:test'
import { loadConfig } from '@baton/config'
import {
  type AuthMethod,
  authSettings,
  createAuthService,
  loadAuthMethods,
} from '../../../../packages/identity/src/core/auth/index.ts'
import { Unauthorized } from '../../../../packages/identity/src/errors.ts'
import { identityOptionGroups } from '../../../../packages/identity/src/options.ts'
import { type AuthEnv, createAuthEnv, passwordAuth } from '../tokens/auth_env.ts'

const METHODS = { auth: { methods: 'password,token,totp,x509' } }

describe('auth methods: a registry keyed by [auth] methods', () => {
  let env: AuthEnv
  beforeEach(async () => {
    env = await createAuthEnv(METHODS)
  })
  afterEach(() => env.close())

  function service(totpUser: () => string, seen: string[]) {
    const config = loadConfig({ files: [], overrides: METHODS, groups: identityOptionGroups })
    const deps = {
      store: env.store,
      tokens: env.tokens,
      settings: authSettings(config),
      clock: env.clock,
    }
    const totp: AuthMethod = {
      name: 'totp',
      async authenticate({ payload }) {
        seen.push(`totp:${JSON.stringify(payload)}`)
        return { userId: totpUser() }
      },
    }
    const methods = new Map(loadAuthMethods(deps))
    const password = methods.get('password')
    assert.ok(password)
    methods.set('password', {
      name: 'password',
      async authenticate(request) {
        seen.push('password')
        return password.authenticate(request)
      },
    })
    methods.set('totp', totp)
    return createAuthService({ ...deps, methods })
  }

  function withTotp(auth: Record<string, unknown>, order: string[]): Record<string, unknown> {
    const identity = auth.identity as Record<string, unknown>
    return { ...auth, identity: { ...identity, methods: order, totp: { passcode: '123456' } } }
  }

  test('a registered method runs in the listed order and its name lands on the token', async () => {
    const { alice } = env.seeded.users
    const seen: string[] = []
    const auth = service(() => alice, seen)
    const issued = await auth.authenticateForToken(
      withTotp(passwordAuth(alice, 'alice'), ['totp', 'password']),
    )
    assert.deepEqual(seen, ['totp:{"passcode":"123456"}', 'password'])
    assert.equal(issued.model.user.id, alice)
    assert.deepEqual([...issued.model.methods].sort(), ['password', 'totp'])
  })

  test('methods that disagree on the user are the generic 401', async () => {
    const { alice, bob } = env.seeded.users
    const auth = service(() => bob, [])
    await assert.rejects(
      auth.authenticateForToken(withTotp(passwordAuth(alice, 'alice'), ['password', 'totp'])),
      (error) => error instanceof Unauthorized,
    )
  })

  test('an enabled method no module implements is the generic 401', async () => {
    const { alice } = env.seeded.users
    const auth = passwordAuth(alice, 'alice')
    const identity = { ...(auth.identity as Record<string, unknown>), x509: {} }
    await assert.rejects(
      env.auth.authenticateForToken({
        ...auth,
        identity: { ...identity, methods: ['password', 'x509'] },
      }),
      (error) => error instanceof Unauthorized,
    )
  })
})
