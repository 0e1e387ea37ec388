import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Store } from '../../../packages/identity/src/store/index.ts'
import { eachDialect, seedBasics } from '../store/store.fixtures.ts'

/** Repository methods that only read: they must never move the generation. */
const READ = /^(get|find|list|has|is|count|rolesFor$|current$)/

/**
 * Writes that deliberately leave it alone: login bookkeeping, and tables no token validation
 * reads (domain configuration, credentials, unified limits, OS-POLICY blobs).
 */
const BOOKKEEPING = new Set([
  'identity.recordFailedAuth',
  'identity.reserveAuthAttempt',
  'identity.resetFailedAuth',
  'identity.recordLastActive',
  'domainConfig.replaceOptions',
  'domainConfig.upsertOptions',
  'domainConfig.removeOptions',
  'credentials.create',
  'credentials.updateBlob',
  'credentials.delete',
  'unifiedLimits.createRegisteredLimit',
  'unifiedLimits.updateRegisteredLimit',
  'unifiedLimits.deleteRegisteredLimit',
  'unifiedLimits.createLimit',
  'unifiedLimits.updateLimit',
  'unifiedLimits.deleteLimit',
  'policies.create',
  'policies.update',
  'policies.delete',
  // OS-OAUTH1 consumers: a deletion's revocation event moves it (recorded beside, by the API),
  // and so does the deletion of its access tokens (none in this walk)
  'consumers.create',
  'consumers.update',
  'consumers.delete',
  // request tokens: no validation reads them (access tokens, which it reads, move it)
  'oauthTokens.createRequestToken',
  'oauthTokens.authorizeRequestToken',
])

type Run = (store: Store) => Promise<unknown>

/** A write method, how to call it, and what it needs first (not measured). */
type Step = readonly [method: string, run: Run, setup?: Run]

/** Every write method, in an order where each finds what it needs. */
function writeSteps(ids: Awaited<ReturnType<typeof seedBasics>>): Step[] {
  const trust = (id: string, remainingUses: number | null) => ({
    id,
    trustorUserId: ids.user.id,
    trusteeUserId: 'u2',
    projectId: ids.project.id,
    impersonation: false,
    expiresAt: null,
    remainingUses,
    redelegatedTrustId: null,
    redelegationCount: null,
    extra: {},
    roleIds: [ids.role.id],
  })
  const delegation = (id: string, parentId: string | null, auditId: string) => ({
    id,
    userId: ids.user.id,
    projectId: ids.project.id,
    parentId,
    auditId,
    rootAuditId: 'root',
    rootAuditChainId: 'root',
    rootIssuedAt: 1,
    rootExpiresAt: 2,
    methods: ['password'],
    operation: 'compute:boot:x',
    audience: ['image'],
    roleIds: [ids.role.id],
    actors: [{ userId: ids.user.id, userName: 'svc', projectId: null, issuedAt: 1 }],
    createdAt: 1,
    expiresAt: 2,
  })
  const user = { type: 'user', id: ids.user.id } as const
  const onProject = {
    roleId: ids.role.id,
    actor: user,
    target: { type: 'project', id: ids.project.id },
  } as const
  return [
    ['resource.createDomain', (s) => s.resource.createDomain({ id: 'd2', name: 'Other' })],
    ['resource.updateDomain', (s) => s.resource.updateDomain('d2', { enabled: false })],
    [
      'resource.createProject',
      (s) => s.resource.createProject({ id: 'p2', name: 'p2', domainId: 'd2' }),
    ],
    ['resource.updateProject', (s) => s.resource.updateProject('p2', { enabled: false })],
    ['resource.setTags', (s) => s.resource.setTags('p2', ['a', 'b'])],
    ['resource.addTag', (s) => s.resource.addTag('p2', 'c')],
    ['resource.removeTag', (s) => s.resource.removeTag('p2', 'a')],
    [
      'identity.createUser',
      (s) => s.identity.createUser({ id: 'u2', name: 'u2', domainId: ids.domain.id }),
    ],
    ['identity.updateUser', (s) => s.identity.updateUser('u2', { enabled: false })],
    ['identity.setPassword', (s) => s.identity.setPassword(ids.user.id, { hash: 'h2' })],
    ['identity.recordFailedAuth', (s) => s.identity.recordFailedAuth(ids.user.id)],
    [
      'identity.reserveAuthAttempt',
      (s) => s.identity.reserveAuthAttempt(ids.user.id, { maxAttempts: 5, durationSeconds: 60 }),
    ],
    ['identity.resetFailedAuth', (s) => s.identity.resetFailedAuth(ids.user.id)],
    ['identity.recordLastActive', (s) => s.identity.recordLastActive(ids.user.id)],
    [
      'identity.createGroup',
      (s) => s.identity.createGroup({ id: 'g2', name: 'g2', domainId: ids.domain.id }),
    ],
    ['identity.updateGroup', (s) => s.identity.updateGroup('g2', { name: 'g2b' })],
    ['identity.addUserToGroup', (s) => s.identity.addUserToGroup(ids.user.id, ids.group.id)],
    [
      'identity.removeUserFromGroup',
      (s) => s.identity.removeUserFromGroup(ids.user.id, ids.group.id),
    ],
    ['assignment.createRole', (s) => s.assignment.createRole({ id: 'r2', name: 'reader' })],
    ['assignment.updateRole', (s) => s.assignment.updateRole('r2', { name: 'reader2' })],
    ['assignment.addImpliedRole', (s) => s.assignment.addImpliedRole(ids.role.id, 'r2')],
    ['assignment.removeImpliedRole', (s) => s.assignment.removeImpliedRole(ids.role.id, 'r2')],
    ['assignment.grant', (s) => s.assignment.grant(onProject)],
    ['assignment.revokeGrant', (s) => s.assignment.revokeGrant(onProject)],
    ['assignment.grantSystem', (s) => s.assignment.grantSystem(user, ids.role.id)],
    ['assignment.revokeSystemGrant', (s) => s.assignment.revokeSystemGrant(user, ids.role.id)],
    ['catalog.createService', (s) => s.catalog.createService({ id: 's1', type: 'compute' })],
    ['catalog.updateService', (s) => s.catalog.updateService('s1', { enabled: false })],
    ['catalog.createRegion', (s) => s.catalog.createRegion({ id: 'RegionOne' })],
    ['catalog.updateRegion', (s) => s.catalog.updateRegion('RegionOne', { description: 'x' })],
    [
      'catalog.createEndpoint',
      (s) =>
        s.catalog.createEndpoint({
          id: 'e1',
          interface: 'public',
          serviceId: 's1',
          url: 'http://x',
        }),
    ],
    ['catalog.updateEndpoint', (s) => s.catalog.updateEndpoint('e1', { url: 'http://y' })],
    [
      'endpointFilter.createEndpointGroup',
      (s) =>
        s.endpointFilter.createEndpointGroup({
          id: 'eg1',
          name: 'eg1',
          description: null,
          filters: { interface: 'public' },
        }),
    ],
    [
      'endpointFilter.updateEndpointGroup',
      (s) => s.endpointFilter.updateEndpointGroup('eg1', { filters: { service_id: 's1' } }),
    ],
    [
      'endpointFilter.addEndpointGroupToProject',
      (s) => s.endpointFilter.addEndpointGroupToProject('eg1', ids.project.id),
    ],
    [
      'endpointFilter.removeEndpointGroupFromProject',
      (s) => s.endpointFilter.removeEndpointGroupFromProject('eg1', ids.project.id),
    ],
    ['endpointFilter.deleteEndpointGroup', (s) => s.endpointFilter.deleteEndpointGroup('eg1')],
    [
      'endpointFilter.addEndpointToProject',
      (s) => s.endpointFilter.addEndpointToProject('e1', ids.project.id),
    ],
    [
      'endpointFilter.removeEndpointFromProject',
      (s) => s.endpointFilter.removeEndpointFromProject('e1', ids.project.id),
    ],
    ['catalog.deleteEndpoint', (s) => s.catalog.deleteEndpoint('e1')],
    [
      'domainConfig.replaceOptions',
      (s) =>
        s.domainConfig.replaceOptions(ids.domain.id, [
          { group: 'identity', option: 'driver', value: 'ldap', sensitive: false },
        ]),
    ],
    [
      'domainConfig.upsertOptions',
      (s) =>
        s.domainConfig.upsertOptions(ids.domain.id, [
          { group: 'ldap', option: 'password', value: 'x', sensitive: true },
        ]),
    ],
    ['domainConfig.removeOptions', (s) => s.domainConfig.removeOptions(ids.domain.id)],
    [
      'credentials.create',
      (s) =>
        s.credentials.create({
          id: 'c1',
          userId: ids.user.id,
          projectId: null,
          type: 'cert',
          encryptedBlob: 'b',
          keyHash: 'k',
          extra: {},
        }),
    ],
    ['credentials.updateBlob', (s) => s.credentials.updateBlob('c1', 'b2', 'k2')],
    ['credentials.delete', (s) => s.credentials.delete('c1')],
    [
      'unifiedLimits.createRegisteredLimit',
      (s) =>
        s.unifiedLimits.createRegisteredLimit({
          id: 'rl1',
          serviceId: 's1',
          regionId: null,
          resourceName: 'cores',
          defaultLimit: 10,
          description: null,
        }),
    ],
    [
      'unifiedLimits.updateRegisteredLimit',
      (s) => s.unifiedLimits.updateRegisteredLimit('rl1', { defaultLimit: 20 }),
    ],
    [
      'unifiedLimits.createLimit',
      (s) =>
        s.unifiedLimits.createLimit({
          id: 'l1',
          projectId: ids.project.id,
          domainId: null,
          registeredLimitId: 'rl1',
          resourceLimit: 5,
          description: null,
        }),
    ],
    ['unifiedLimits.updateLimit', (s) => s.unifiedLimits.updateLimit('l1', { resourceLimit: 6 })],
    ['unifiedLimits.deleteLimit', (s) => s.unifiedLimits.deleteLimit('l1')],
    ['unifiedLimits.deleteRegisteredLimit', (s) => s.unifiedLimits.deleteRegisteredLimit('rl1')],
    ['policies.create', (s) => s.policies.create({ id: 'pol1', blob: {}, type: 't', extra: {} })],
    ['policies.update', (s) => s.policies.update('pol1', { type: 't2' })],
    ['policies.delete', (s) => s.policies.delete('pol1')],
    [
      'consumers.create',
      (s) => s.consumers.create({ id: 'oc1', description: null, secret: 'x', extra: {} }),
    ],
    ['consumers.update', (s) => s.consumers.update('oc1', { description: 'd' })],
    ['consumers.delete', (s) => s.consumers.delete('oc1')],
    ['catalog.deleteRegion', (s) => s.catalog.deleteRegion('RegionOne')],
    ['catalog.deleteService', (s) => s.catalog.deleteService('s1')],
    [
      'applicationCredentials.create',
      (s) =>
        s.applicationCredentials.create({
          id: 'ac1',
          name: 'ac1',
          userId: ids.user.id,
          projectId: ids.project.id,
          secretHash: 'x',
          roleIds: [ids.role.id],
        }),
    ],
    ['applicationCredentials.delete', (s) => s.applicationCredentials.delete('ac1')],
    [
      'applicationCredentials.deleteForUserOnProject',
      (s) => s.applicationCredentials.deleteForUserOnProject(ids.user.id, ids.project.id),
      (s) =>
        s.applicationCredentials.create({
          name: 'ac2',
          userId: ids.user.id,
          projectId: ids.project.id,
          secretHash: 'x',
          roleIds: [],
        }),
    ],
    [
      'applicationCredentials.deleteAccessRule',
      (s) => s.applicationCredentials.deleteAccessRule(ids.user.id, 'rule1'),
      async (s) => {
        const rule = { id: 'rule1', service: 'compute', path: '/x', method: 'GET' }
        await s.applicationCredentials.create({
          id: 'ac3',
          name: 'ac3',
          userId: ids.user.id,
          secretHash: 'x',
          roleIds: [],
          accessRules: [rule],
        })
        await s.applicationCredentials.delete('ac3')
      },
    ],
    [
      'revocation.record',
      (s) => s.revocation.record({ userId: ids.user.id, revokedAt: 1_000_000 }),
    ],
    ['revocation.prune', (s) => s.revocation.prune(2_000_000)],
    ['assignment.deleteRole', (s) => s.assignment.deleteRole('r2')],
    ['identity.deleteGroup', (s) => s.identity.deleteGroup('g2')],
    ['trusts.create', (s) => s.trusts.create(trust('t1', 3))],
    ['trusts.consumeUse', (s) => s.trusts.consumeUse('t1')],
    ['trusts.softDelete', (s) => s.trusts.softDelete('t1')],
    [
      'trusts.softDeleteForUser',
      (s) => s.trusts.softDeleteForUser(ids.user.id),
      (s) => s.trusts.create(trust('t2', null)),
    ],
    [
      'trusts.softDeleteForProject',
      (s) => s.trusts.softDeleteForProject(ids.project.id),
      (s) => s.trusts.create(trust('t3', null)),
    ],
    ['trusts.flush', (s) => s.trusts.flush({ before: Number.MAX_SAFE_INTEGER })],
    ['delegations.create', (s) => s.delegations.create(delegation('dl1', null, 'aud1'))],
    [
      'delegations.revoke',
      (s) => s.delegations.revoke('dl1'),
      (s) => s.delegations.create(delegation('dl2', 'dl1', 'aud2')),
    ],
    [
      'delegations.revokeForRoot',
      (s) => s.delegations.revokeForRoot('root'),
      (s) => s.delegations.create(delegation('dl3', null, 'aud3')),
    ],
    [
      'delegations.remove',
      (s) => s.delegations.remove('dl4'),
      (s) => s.delegations.create(delegation('dl4', null, 'aud4')),
    ],
    ['delegations.flushRevoked', (s) => s.delegations.flushRevoked(Number.MAX_SAFE_INTEGER)],
    [
      'delegations.flushExpired',
      (s) => s.delegations.flushExpired(Number.MAX_SAFE_INTEGER),
      (s) => s.delegations.create(delegation('dl5', null, 'aud5')),
    ],
    [
      'oauthTokens.createRequestToken',
      (s) =>
        s.oauthTokens.createRequestToken({
          id: 'rt1',
          requestSecret: 'secret',
          requestedProjectId: ids.project.id,
          consumerId: 'c1',
          expiresAt: null,
        }),
      (s) => s.consumers.create({ id: 'c1', description: null, secret: 's', extra: {} }),
    ],
    [
      'oauthTokens.authorizeRequestToken',
      (s) =>
        s.oauthTokens.authorizeRequestToken('rt1', {
          userId: ids.user.id,
          verifier: 'abcdefgh',
          roleIds: ['r1'],
        }),
    ],
    [
      'oauthTokens.createAccessToken',
      (s) =>
        s.oauthTokens.createAccessToken('rt1', { id: 'at1', accessSecret: 's', expiresAt: null }),
    ],
    ['oauthTokens.deleteAccessToken', (s) => s.oauthTokens.deleteAccessToken(ids.user.id, 'at1')],
    ['identity.deleteUser', (s) => s.identity.deleteUser('u2')],
    ['resource.deleteProject', (s) => s.resource.deleteProject('p2')],
    ['resource.deleteDomain', (s) => s.resource.deleteDomain('d2')],
  ]
}

eachDialect('the cache generation', (env) => {
  test('every store write method that can change a validation result moves it', async () => {
    const { store } = env()
    const ids = await seedBasics(store)
    const steps = writeSteps(ids)
    const stepNames = new Set(steps.map(([name]) => name))
    // Reflection: a write method added to any repository fails here until it has a step.
    const writes: string[] = []
    for (const [area, repository] of Object.entries(store)) {
      if (typeof repository !== 'object' || repository === null) continue
      for (const method of Object.keys(repository)) {
        if (!READ.test(method)) writes.push(`${area}.${method}`)
      }
    }
    assert.ok(writes.length > 40, `found only ${writes.length} write methods`)
    assert.deepEqual(
      writes.filter((name) => !stepNames.has(name)),
      [],
    )

    for (const [name, run, setup] of steps) {
      await setup?.(store)
      const before = await store.generation.current()
      await run(store)
      const after = await store.generation.current()
      if (BOOKKEEPING.has(name)) assert.equal(after, before, `${name} moved the generation`)
      else assert.ok(after > before, `${name} left the generation at ${before}`)
    }
  })

  test('reads leave it alone, and a rolled-back write does not move it', async () => {
    const { store } = env()
    const ids = await seedBasics(store)
    const start = await store.generation.current()
    await store.identity.getUser(ids.user.id)
    await store.resource.getProject(ids.project.id)
    await store.effectiveRoles.rolesFor(ids.user.id, { kind: 'project', projectId: ids.project.id })
    await store.catalog.listCatalog()
    await store.revocation.listSince()
    await store.revocation.listAfterId(0)
    await store.revocation.findLastIdBefore(Number.MAX_SAFE_INTEGER)
    assert.equal(await store.generation.current(), start)
    await assert.rejects(
      store.transaction(async (trx) => {
        await trx.identity.updateUser(ids.user.id, { enabled: false })
        throw new Error('abort')
      }),
      /abort/,
    )
    assert.equal(await store.generation.current(), start)
    assert.equal((await store.identity.getUser(ids.user.id)).enabled, true)
  })

  test('a read beside an open transaction never sees its uncommitted bump', async () => {
    // On SQLite the reader skips the query builder; it must still wait for a transaction open on
    // the same connection, or a rollback would leave caches labelled with a phantom generation.
    const { store } = env()
    const ids = await seedBasics(store)
    const start = await store.generation.current()
    let readDuringTransaction: Promise<number> | undefined
    await assert.rejects(
      store.transaction(async (trx) => {
        await trx.identity.updateUser(ids.user.id, { enabled: false })
        assert.ok((await trx.generation.current()) > start, 'the transaction sees its own bump')
        readDuringTransaction = store.generation.current()
        await new Promise((resolve) => setTimeout(resolve, 20))
        throw new Error('abort')
      }),
      /abort/,
    )
    assert.equal(await readDuringTransaction, start)
  })
})
