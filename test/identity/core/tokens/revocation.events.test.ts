import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, test } from 'node:test'
import type { NewRevocationEvent } from '../../../../packages/identity/src/store/index.ts'
import { type AuthEnv, createAuthEnv, passwordAuth, T0, tokenAuth } from './auth_env.ts'

describe('revocation', () => {
  let env: AuthEnv
  beforeEach(async () => {
    env = await createAuthEnv()
  })
  afterEach(() => env.close())

  const issue = async (auth: Record<string, unknown>) =>
    (await env.auth.authenticateForToken(auth)).token
  const valid = async (token: string, allowExpired = false) => {
    try {
      await env.tokens.validate(token, { allowExpired })
      return true
    } catch (error) {
      assert.equal((error as { status: number }).status, 404)
      return false
    }
  }
  /** What the CRUD layer records (keystone notifications -> revoke_api), at the clock's now. */
  const record = (event: NewRevocationEvent) =>
    env.store.revocation.record({ revokedAt: env.clock.ms * 1000, ...event })

  test('revoke() ends the token, with or without allow_expired; its parent and children live', async () => {
    const { users, demoProjectId } = env.seeded
    const parent = await issue(passwordAuth(users.alice, 'alice', 'unscoped'))
    const child = await issue(tokenAuth(parent, { project: { id: demoProjectId } }))
    const grandchild = await issue(tokenAuth(child, 'unscoped'))
    await env.tokens.revoke(child)
    assert.equal(await valid(child), false)
    assert.equal(await valid(child, true), false)
    assert.equal(await valid(parent), true)
    assert.equal(await valid(grandchild), true)
    // revoking a revoked token: it no longer validates, so 404
    await assert.rejects(env.tokens.revoke(child), { status: 404 })
  })

  test('a user event (disable, password change) revokes every token issued up to that second', async () => {
    const { users } = env.seeded
    const before = await issue(passwordAuth(users.alice, 'alice'))
    const bobs = await issue(passwordAuth(users.bob, 'bob'))
    env.clock.advance(5)
    await record({ userId: users.alice })
    const sameSecond = await issue(passwordAuth(users.alice, 'alice'))
    env.clock.advance(1)
    const after = await issue(passwordAuth(users.alice, 'alice'))
    assert.equal(await valid(before), false)
    // keystone's second resolution: a token issued in the event's second is revoked too
    assert.equal(await valid(sameSecond), false)
    assert.equal(await valid(after), true)
    assert.equal(await valid(bobs), true)
  })

  test('project, domain, audit-chain, role and expiry-bound events match as keystone matches', async () => {
    const { users, demoProjectId, defaultDomainId, otherProjectId, roles } = env.seeded
    const aliceProject = await issue(passwordAuth(users.alice, 'alice'))
    const aliceDomain = await issue(
      passwordAuth(users.alice, 'alice', { domain: { id: defaultDomainId } }),
    )
    const bobProject = await issue(
      passwordAuth(users.bob, 'bob', { project: { id: demoProjectId } }),
    )
    const dora = await issue(passwordAuth(users.dora, 'dora'))
    await env.store.assignment.grant({
      roleId: roles.member,
      actor: { type: 'user', id: users.admin },
      target: { type: 'project', id: otherProjectId },
    })
    const adminInOther = await issue(
      passwordAuth(users.admin, 'admin', { project: { id: otherProjectId } }),
    )
    env.clock.advance(1)

    await record({ projectId: demoProjectId })
    assert.deepEqual(
      [await valid(aliceProject), await valid(bobProject), await valid(aliceDomain)],
      [false, false, true],
    )
    // a domain event matches the user's domain, or the scope of a domain-scoped token, but not
    // the domain of a project-scoped token (keystone overwrites assignment_domain_id)
    await record({ domainId: env.seeded.otherDomainId })
    assert.equal(await valid(dora), false)
    assert.equal(await valid(adminInOther), true)

    const parent = await issue(passwordAuth(users.bob, 'bob', 'unscoped'))
    const child = await issue(tokenAuth(parent, { project: { id: demoProjectId } }))
    const unrelated = await issue(passwordAuth(users.bob, 'bob', 'unscoped'))
    env.clock.advance(1)
    const parentAudit = (await env.tokens.validate(parent)).auditId
    await record({ auditChainId: parentAudit })
    assert.deepEqual(
      [await valid(parent), await valid(child), await valid(unrelated)],
      [true, false, true],
    )

    const admin = await issue(passwordAuth(users.admin, 'admin', { system: { all: true } }))
    env.clock.advance(1)
    await record({ roleId: roles.manager }) // implied by admin: still in the token's roles
    assert.equal(await valid(admin), false)

    const a = await issue(passwordAuth(users.bob, 'bob', 'unscoped'))
    env.clock.advance(1)
    const model = await env.tokens.validate(a)
    await record({
      userId: users.bob,
      expiresAt: model.expiresAt * 1000 + 1000_000,
    })
    assert.equal(await valid(a), true, 'expires_at must be equal to match')
    await record({ userId: users.bob, expiresAt: model.expiresAt * 1000 })
    assert.equal(await valid(a), false)
  })

  test('events outlive expiration + allow_expired_window: no early pruning', async () => {
    const { users } = env.seeded
    const revoked = await issue(passwordAuth(users.bob, 'bob'))
    await env.tokens.revoke(revoked)
    // Keystone prunes after expiration + expiration_buffer (5400 s); Baton keeps the event.
    env.clock.advance(3600 + 1800 + 60)
    await env.tokens.revoke(await issue(passwordAuth(users.alice, 'alice'))) // prunes
    assert.equal(await valid(revoked, true), false)
    const events = await env.store.revocation.listSince()
    assert.equal(events.length, 2)
    // past expiration + window + buffer the event goes; the token is beyond the window anyway
    env.clock.ms = T0 + (3600 + 172800 + 1800 + 1) * 1000
    assert.equal(await env.tokens.pruneRevocationEvents(), 1)
    assert.equal(await valid(revoked, true), false)
  })

  test('changes take effect at validation: roles, users, projects, domains', async () => {
    const { users, demoProjectId, defaultDomainId, roles } = env.seeded
    const project = await issue(passwordAuth(users.bob, 'bob', { project: { id: demoProjectId } }))
    const grant = {
      roleId: roles.reader,
      actor: { type: 'user', id: users.bob },
      target: { type: 'project', id: demoProjectId },
    } as const
    await env.store.assignment.revokeGrant(grant)
    await assert.rejects(env.tokens.validate(project), {
      status: 404,
      message: 'Could not find token.',
    })
    await env.store.assignment.grant(grant)
    assert.equal(await valid(project), true)

    // a disabled user with no event recorded still fails (the live user check)
    await env.store.identity.updateUser(users.bob, { enabled: false })
    assert.equal(await valid(project), false)
    await env.store.identity.updateUser(users.bob, { enabled: true })

    await env.store.resource.updateProject(demoProjectId, { enabled: false })
    await assert.rejects(env.tokens.validate(project), {
      status: 404,
      message: `Unable to validate token because project ${demoProjectId} is disabled`,
    })
    await env.store.resource.updateProject(demoProjectId, { enabled: true })

    const domainToken = await issue(
      passwordAuth(users.alice, 'alice', { domain: { id: defaultDomainId } }),
    )
    await env.store.resource.updateDomain(defaultDomainId, { enabled: false })
    await assert.rejects(env.tokens.validate(domainToken), {
      status: 404,
      message: `Unable to validate token because domain ${defaultDomainId} is disabled`,
    })
    await env.store.resource.updateDomain(defaultDomainId, { enabled: true })

    await env.store.identity.deleteUser(users.bob)
    await assert.rejects(env.tokens.validate(project), {
      status: 404,
      message: `Could not find user: ${users.bob}.`,
    })
  })
})
