import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Store } from '../../../packages/identity/src/store/index.ts'
import { eachDialect, seedBasics } from './store.fixtures.ts'

async function roleNames(
  store: Store,
  userId: string,
  scope: Parameters<Store['effectiveRoles']['rolesFor']>[1],
) {
  return (await store.effectiveRoles.rolesFor(userId, scope)).map((r) => r.name).sort()
}

/** Bootstrap's roles: admin ⇒ manager ⇒ member ⇒ reader, plus service (seedBasics made member). */
async function bootstrapRoles(store: Store) {
  const ids: Record<string, string> = {}
  for (const name of ['reader', 'member', 'manager', 'admin', 'service']) {
    const existing = await store.assignment.findRoleByName(name, null)
    ids[name] = (existing ?? (await store.assignment.createRole({ name }))).id
  }
  const id = (name: string) => ids[name] ?? ''
  await store.assignment.addImpliedRole(id('member'), id('reader'))
  await store.assignment.addImpliedRole(id('manager'), id('member'))
  await store.assignment.addImpliedRole(id('admin'), id('manager'))
  return id
}

eachDialect('effective roles', (env) => {
  test('a direct grant expands through the implied-role chain', async () => {
    const { store } = env()
    const { user, project } = await seedBasics(store)
    const role = await bootstrapRoles(store)
    await store.assignment.grant({
      roleId: role('admin'),
      actor: { type: 'user', id: user.id },
      target: { type: 'project', id: project.id },
    })
    assert.deepEqual(await roleNames(store, user.id, { kind: 'project', projectId: project.id }), [
      'admin',
      'manager',
      'member',
      'reader',
    ])
  })

  test('group grants count for members only', async () => {
    const { store } = env()
    const { user, group, project, domain } = await seedBasics(store)
    const outsider = await store.identity.createUser({ name: 'outsider', domainId: domain.id })
    const role = await bootstrapRoles(store)
    await store.identity.addUserToGroup(user.id, group.id)
    await store.assignment.grant({
      roleId: role('member'),
      actor: { type: 'group', id: group.id },
      target: { type: 'project', id: project.id },
    })
    const scope = { kind: 'project', projectId: project.id } as const
    assert.deepEqual(await roleNames(store, user.id, scope), ['member', 'reader'])
    assert.deepEqual(await roleNames(store, outsider.id, scope), [])
  })

  test('user and group grants merge without duplicates', async () => {
    const { store } = env()
    const { user, group, project } = await seedBasics(store)
    const role = await bootstrapRoles(store)
    await store.identity.addUserToGroup(user.id, group.id)
    const target = { type: 'project', id: project.id } as const
    await store.assignment.grant({
      roleId: role('member'),
      actor: { type: 'user', id: user.id },
      target,
    })
    await store.assignment.grant({
      roleId: role('reader'),
      actor: { type: 'group', id: group.id },
      target,
    })
    await store.assignment.grant({
      roleId: role('service'),
      actor: { type: 'group', id: group.id },
      target,
    })
    assert.deepEqual(await roleNames(store, user.id, { kind: 'project', projectId: project.id }), [
      'member',
      'reader',
      'service',
    ])
  })

  test('implication cycles terminate', async () => {
    const { store } = env()
    const { user, project } = await seedBasics(store)
    const a = await store.assignment.createRole({ name: 'a' })
    const b = await store.assignment.createRole({ name: 'b' })
    const c = await store.assignment.createRole({ name: 'c' })
    await store.assignment.addImpliedRole(a.id, b.id)
    await store.assignment.addImpliedRole(b.id, c.id)
    await store.assignment.addImpliedRole(c.id, a.id)
    await store.assignment.grant({
      roleId: b.id,
      actor: { type: 'user', id: user.id },
      target: { type: 'project', id: project.id },
    })
    assert.deepEqual(await roleNames(store, user.id, { kind: 'project', projectId: project.id }), [
      'a',
      'b',
      'c',
    ])
  })

  test('inherited grants apply to projects below the target, not to the target itself', async () => {
    const { store } = env()
    const { user, project, domain } = await seedBasics(store)
    const role = await bootstrapRoles(store)
    const child = await store.resource.createProject({
      name: 'child',
      domainId: domain.id,
      parentId: project.id,
    })
    const grandchild = await store.resource.createProject({
      name: 'grandchild',
      domainId: domain.id,
      parentId: child.id,
    })
    const actor = { type: 'user', id: user.id } as const
    await store.assignment.grant({
      roleId: role('reader'),
      actor,
      target: { type: 'domain', id: domain.id },
      inherited: true,
    })
    await store.assignment.grant({
      roleId: role('service'),
      actor,
      target: { type: 'project', id: child.id },
      inherited: true,
    })
    assert.deepEqual(await roleNames(store, user.id, { kind: 'domain', domainId: domain.id }), [])
    assert.deepEqual(await roleNames(store, user.id, { kind: 'project', projectId: project.id }), [
      'reader',
    ])
    assert.deepEqual(await roleNames(store, user.id, { kind: 'project', projectId: child.id }), [
      'reader',
    ])
    assert.deepEqual(
      await roleNames(store, user.id, { kind: 'project', projectId: grandchild.id }),
      ['reader', 'service'],
    )
  })

  test('domain grants apply to the domain scope only', async () => {
    const { store } = env()
    const { user, project, domain } = await seedBasics(store)
    const role = await bootstrapRoles(store)
    await store.assignment.grant({
      roleId: role('manager'),
      actor: { type: 'user', id: user.id },
      target: { type: 'domain', id: domain.id },
    })
    assert.deepEqual(await roleNames(store, user.id, { kind: 'domain', domainId: domain.id }), [
      'manager',
      'member',
      'reader',
    ])
    assert.deepEqual(
      await roleNames(store, user.id, { kind: 'project', projectId: project.id }),
      [],
    )
  })

  test('system grants come from the user and its groups', async () => {
    const { store } = env()
    const { user, group, project } = await seedBasics(store)
    const role = await bootstrapRoles(store)
    await store.identity.addUserToGroup(user.id, group.id)
    await store.assignment.grantSystem({ type: 'group', id: group.id }, role('member'))
    await store.assignment.grantSystem({ type: 'user', id: user.id }, role('service'))
    assert.deepEqual(await roleNames(store, user.id, { kind: 'system', system: 'all' }), [
      'member',
      'reader',
      'service',
    ])
    assert.deepEqual(
      await roleNames(store, user.id, { kind: 'project', projectId: project.id }),
      [],
    )
  })

  test('domain-specific roles are dropped but the global roles they imply stay', async () => {
    const { store } = env()
    const { user, project, domain } = await seedBasics(store)
    const role = await bootstrapRoles(store)
    const local = await store.assignment.createRole({ name: 'local-dev', domainId: domain.id })
    await store.assignment.addImpliedRole(local.id, role('member'))
    await store.assignment.grant({
      roleId: local.id,
      actor: { type: 'user', id: user.id },
      target: { type: 'project', id: project.id },
    })
    assert.deepEqual(await roleNames(store, user.id, { kind: 'project', projectId: project.id }), [
      'member',
      'reader',
    ])
  })

  test('an unknown user or scope, or a scope of the wrong kind, has no roles', async () => {
    const { store } = env()
    const { user, project, role, domain } = await seedBasics(store)
    const actor = { type: 'user', id: user.id } as const
    await store.assignment.grant({
      roleId: role.id,
      actor,
      target: { type: 'project', id: project.id },
    })
    await store.assignment.grant({
      roleId: role.id,
      actor,
      target: { type: 'domain', id: domain.id },
    })
    assert.deepEqual(await roleNames(store, user.id, { kind: 'domain', domainId: project.id }), [])
    assert.deepEqual(await roleNames(store, user.id, { kind: 'project', projectId: domain.id }), [])
    assert.deepEqual(await roleNames(store, 'nobody', { kind: 'system', system: 'all' }), [])
    assert.deepEqual(await roleNames(store, user.id, { kind: 'project', projectId: 'missing' }), [])
  })
})
