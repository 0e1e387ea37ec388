import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { afterEach, beforeEach, describe, test } from 'node:test'
import { createValidationCache } from '../../../../packages/identity/src/cache/index.ts'
import { deleteTrust } from '../../../../packages/identity/src/core/resources/trust_chain.ts'
import { type AuthEnv, createAuthEnv, passwordAuth, tokenAuth } from '../../core/tokens/auth_env.ts'

type Json = Record<string, unknown>
type TokenJson = { token: Json & { roles: Json[]; user: Json; project: Json } }

const trustScope = (id: string) => ({ 'OS-TRUST:trust': { id } })

for (const cached of [false, true]) {
  describe(`trust-scoped tokens (${cached ? 'cached' : 'direct'} validation)`, () => {
    let env: AuthEnv
    beforeEach(async () => {
      // tokens outlive the trusts (an hour), so only the trust can end them
      env = await createAuthEnv(
        { token: { expiration: '7200' } },
        cached ? { validationCache: createValidationCache() } : undefined,
      )
    })
    afterEach(() => env.close())

    let made = 0
    /** alice (member on demo) trusts bob with `member` on demo, for an hour (and `made` ms). */
    const makeTrust = async (
      fields: Partial<{ impersonation: boolean; uses: number | null }> = {},
    ) => {
      const { users, demoProjectId, roles } = env.seeded
      const id = randomUUID().replaceAll('-', '')
      await env.store.trusts.create({
        id,
        trustorUserId: users.alice,
        trusteeUserId: users.bob,
        projectId: demoProjectId,
        impersonation: fields.impersonation ?? true,
        expiresAt: (env.clock.ms + 3_600_000 + ++made) * 1000,
        remainingUses: fields.uses === undefined ? null : fields.uses,
        redelegatedTrustId: null,
        redelegationCount: null,
        extra: {},
        roleIds: [roles.member],
      })
      return id
    }
    const post = (auth: unknown) =>
      env.app.inject({ method: 'POST', url: '/v3/auth/tokens', payload: { auth } })
    /**
     * GET as the admin: an impersonating token cannot validate itself, in Keystone too (its caller
     * is the trustor, `target.token.user_id` the trustee).
     */
    const get = async (subject: string) => {
      const { users, adminProjectId } = env.seeded
      const admin = await post(
        passwordAuth(users.admin, 'admin', { project: { id: adminProjectId } }),
      )
      return env.app.inject({
        method: 'GET',
        url: '/v3/auth/tokens',
        headers: {
          'x-auth-token': String(admin.headers['x-subject-token']),
          'x-subject-token': subject,
        },
      })
    }
    const validate = async (token: string) => {
      try {
        await env.tokens.validate(token)
        return 200
      } catch (error) {
        return (error as { status?: number }).status ?? 500
      }
    }
    const issueAsBob = async (trustId: string) => {
      const res = await post(passwordAuth(env.seeded.users.bob, 'bob', trustScope(trustId)))
      assert.equal(res.statusCode, 201, res.body)
      return { token: String(res.headers['x-subject-token']), body: res.json() as TokenJson }
    }
    const errorOf = (res: { statusCode: number; body: string }) =>
      [
        res.statusCode,
        (JSON.parse(res.body) as { error: { message: string } }).error.message,
      ] as const

    test('password method: payload version 3, the trust body, trustor impersonated, a use consumed', async () => {
      const { users, demoProjectId, roles } = env.seeded
      const trustId = await makeTrust({ uses: 3 })
      const { token, body } = await issueAsBob(trustId)
      assert.deepEqual(body.token['OS-TRUST:trust'], {
        id: trustId,
        trustor_user: { id: users.alice },
        trustee_user: { id: users.bob },
        impersonation: true,
      })
      assert.equal(body.token.project.id, demoProjectId)
      assert.equal((body.token.user as { id: string }).id, users.alice)
      // member and the reader it implies, as Keystone's full role references
      assert.deepEqual(
        body.token.roles.map((r) => [r.id, r.name, r.domain_id]).sort(),
        [
          [roles.member, 'member', null],
          [roles.reader, 'reader', null],
        ].sort(),
      )
      const catalog = JSON.stringify(body.token.catalog)
      assert.ok(catalog.includes(`/v2.1/${demoProjectId}`), catalog)
      assert.equal(body.token.is_domain, undefined)
      assert.equal((await env.store.trusts.get(trustId)).remainingUses, 2)

      const model = await env.tokens.validate(token)
      assert.equal(model.scope.kind, 'trust')
      assert.equal(model.user.id, users.bob) // the payload's user is the trustee
      const again = await get(token)
      assert.equal(again.statusCode, 200, again.body)
      assert.deepEqual(again.json(), body)
    })

    test("without impersonation the token is the trustee's; the token method scopes to a trust", async () => {
      const { users } = env.seeded
      const trustId = await makeTrust({ impersonation: false })
      const { body } = await issueAsBob(trustId)
      assert.equal((body.token.user as { id: string }).id, users.bob)
      assert.equal((body.token['OS-TRUST:trust'] as Json).impersonation, false)

      const unscoped = await post(passwordAuth(users.bob, 'bob', 'unscoped'))
      const viaToken = await post(
        tokenAuth(String(unscoped.headers['x-subject-token']), trustScope(trustId)),
      )
      assert.equal(viaToken.statusCode, 201, viaToken.body)
      const viaBody = viaToken.json() as TokenJson
      assert.deepEqual(viaBody.token.methods, ['token', 'password'])
      assert.equal((viaBody.token['OS-TRUST:trust'] as Json).id, trustId)
    })

    test('a trust-scoped token cannot be exchanged for another token', async () => {
      const trustId = await makeTrust()
      const { token } = await issueAsBob(trustId)
      for (const scope of [
        undefined,
        trustScope(trustId),
        { project: { id: env.seeded.demoProjectId } },
      ]) {
        const res = await post(tokenAuth(token, scope))
        assert.deepEqual(errorOf(res), [
          403,
          'You are not authorized to perform the requested action: Using trust-scoped token to ' +
            'create another token. Create a new trust-scoped token instead.',
        ])
      }
    })

    test('bad input: non-trustee, unknown, expired and used-up trusts; nothing written', async () => {
      const { users } = env.seeded
      const trustId = await makeTrust({ uses: 1 })
      // alice is the trustor, not the trustee: Keystone's "User is not a trustee." (a 403)
      const byTrustor = await post(passwordAuth(users.alice, 'alice', trustScope(trustId)))
      assert.equal(byTrustor.statusCode, 403, byTrustor.body)
      assert.equal((await env.store.trusts.get(trustId)).remainingUses, 1)
      const unknown = await post(
        passwordAuth(users.bob, 'bob', trustScope('0123456789abcdef0123456789abcdef')),
      )
      assert.equal(unknown.statusCode, 401, unknown.body)
      const empty = await post(passwordAuth(users.bob, 'bob', { 'OS-TRUST:trust': { id: '' } }))
      assert.equal(empty.statusCode, 400, empty.body)

      await issueAsBob(trustId) // the last use
      const usedUp = await post(passwordAuth(users.bob, 'bob', trustScope(trustId)))
      assert.equal(usedUp.statusCode, 401, usedUp.body)
      const row = await env.store.trusts.get(trustId, { deleted: true })
      assert.equal(row.remainingUses, 0)

      const later = await makeTrust()
      env.clock.advance(3602)
      const expired = await post(passwordAuth(users.bob, 'bob', trustScope(later)))
      assert.equal(expired.statusCode, 401, expired.body)
    })

    test('validation: a deleted or expired trust is a 404; the token outlives its last use', async () => {
      const single = await makeTrust({ uses: 1 })
      const { token: lastUse } = await issueAsBob(single)
      assert.equal((await get(lastUse)).statusCode, 200)

      const trustId = await makeTrust()
      const { token } = await issueAsBob(trustId)
      assert.equal((await get(token)).statusCode, 200)
      await env.store.transaction((store) => deleteTrust(store, trustId))
      assert.equal(await validate(token), 404)

      // the trust expires an hour from now, the token a little later: the trust ends it
      const short = await makeTrust()
      const { token: shortToken } = await issueAsBob(short)
      assert.equal(await validate(shortToken), 200)
      env.clock.advance(3602)
      assert.equal(await validate(shortToken), 404)
    })

    test('validation: the trustor disabled or losing the role, the trustee disabled', async () => {
      const { users, demoProjectId, roles } = env.seeded
      const trustId = await makeTrust()
      const { token } = await issueAsBob(trustId)

      await env.store.identity.updateUser(users.alice, { enabled: false })
      assert.equal(await validate(token), 403) // keystone: "Trustor is disabled."
      await env.store.identity.updateUser(users.alice, { enabled: true })
      assert.equal(await validate(token), 200)

      await env.store.identity.updateUser(users.bob, { enabled: false })
      assert.equal(await validate(token), 404)
      await env.store.identity.updateUser(users.bob, { enabled: true })
      assert.equal(await validate(token), 200)

      await env.store.assignment.revokeGrant({
        roleId: roles.member,
        actor: { type: 'user', id: users.alice },
        target: { type: 'project', id: demoProjectId },
      })
      assert.equal(await validate(token), 403) // keystone: "Trustee has no delegated roles."
    })

    test('revocation events for the trust, its trustor and its trustee end its tokens', async () => {
      const { users } = env.seeded
      for (const event of [{ trustId: 'X' }, { userId: users.alice }, { userId: users.bob }]) {
        const trustId = await makeTrust()
        const { token } = await issueAsBob(trustId)
        env.clock.advance(1)
        await env.store.revocation.record(event.trustId ? { trustId } : event)
        assert.equal(await validate(token), 404, JSON.stringify(event))
        env.clock.advance(1)
      }
      // an event for another trust leaves it alone
      const trustId = await makeTrust()
      const { token } = await issueAsBob(trustId)
      env.clock.advance(1)
      await env.store.revocation.record({ trustId: randomUUID().replaceAll('-', '') })
      assert.equal(await validate(token), 200)
    })
  })
}
