import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Conflict } from '../../../packages/identity/src/errors.ts'
import { eachDialect, seedBasics } from './store.fixtures.ts'

/** Asserts a 409 with exactly Keystone's message. */
async function rejectsWithConflict(work: Promise<unknown>, message: string): Promise<void> {
  await assert.rejects(work, (error: unknown) => {
    assert.ok(error instanceof Conflict, `expected Conflict, got ${String(error)}`)
    assert.equal(error.status, 409)
    assert.equal(error.message, message)
    return true
  })
}

eachDialect('uniqueness rules map to Conflict', (env) => {
  test('domain names are unique', async () => {
    const { store } = env()
    await store.resource.createDomain({ name: 'Engineering' })
    await rejectsWithConflict(
      store.resource.createDomain({ name: 'Engineering' }),
      'Conflict occurred attempting to store domain - Duplicate entry found with name Engineering.',
    )
  })

  test('a caller-chosen domain ID that exists is a Conflict naming the ID', async () => {
    const { store } = env()
    await store.resource.createDomain({ id: 'default', name: 'Default' })
    await rejectsWithConflict(
      store.resource.createDomain({ id: 'default', name: 'Other' }),
      'Conflict occurred attempting to store domain - Duplicate entry found with ID default.',
    )
  })

  test('project names are unique within a domain but not across domains', async () => {
    const { store } = env()
    const a = await store.resource.createDomain({ id: 'a', name: 'A' })
    const b = await store.resource.createDomain({ id: 'b', name: 'B' })
    await store.resource.createProject({ name: 'web', domainId: a.id })
    await store.resource.createProject({ name: 'web', domainId: b.id })
    await rejectsWithConflict(
      store.resource.createProject({ name: 'web', domainId: a.id }),
      'Conflict occurred attempting to store project - Duplicate entry found with name web at domain ID a.',
    )
  })

  test('a project name equal to a domain name does not collide', async () => {
    const { store } = env()
    const d = await store.resource.createDomain({ id: 'd', name: 'shared' })
    const project = await store.resource.createProject({ name: 'shared', domainId: d.id })
    assert.equal(project.name, 'shared')
  })

  test('user names are unique within a domain', async () => {
    const { store } = env()
    const { domain } = await seedBasics(store)
    const other = await store.resource.createDomain({ id: 'other', name: 'Other' })
    await store.identity.createUser({ name: 'jdoe', domainId: other.id })
    await rejectsWithConflict(
      store.identity.createUser({ name: 'jdoe', domainId: domain.id }),
      'Conflict occurred attempting to store user - Duplicate entry found with name jdoe at domain ID default.',
    )
  })

  test('renaming a user onto a taken name is a Conflict', async () => {
    const { store } = env()
    const { domain } = await seedBasics(store)
    const alice = await store.identity.createUser({ name: 'alice', domainId: domain.id })
    await rejectsWithConflict(
      store.identity.updateUser(alice.id, { name: 'jdoe' }),
      'Conflict occurred attempting to store user - Duplicate entry found with name jdoe at domain ID default.',
    )
    assert.equal((await store.identity.getUser(alice.id)).name, 'alice')
  })

  test('group names are unique within a domain', async () => {
    const { store } = env()
    await seedBasics(store)
    await rejectsWithConflict(
      store.identity.createGroup({ name: 'devs', domainId: 'default' }),
      'Conflict occurred attempting to store group - Duplicate entry found with name devs at domain ID default.',
    )
  })

  test('global role names are unique among global roles', async () => {
    const { store } = env()
    await store.assignment.createRole({ name: 'member' })
    await rejectsWithConflict(
      store.assignment.createRole({ name: 'member' }),
      'Conflict occurred attempting to store role - Duplicate entry found with name member.',
    )
  })

  test('domain roles are unique within their domain and may reuse a global name', async () => {
    const { store } = env()
    const d = await store.resource.createDomain({ id: 'd1', name: 'D1' })
    const d2 = await store.resource.createDomain({ id: 'd2', name: 'D2' })
    await store.assignment.createRole({ name: 'member' })
    await store.assignment.createRole({ name: 'member', domainId: d.id })
    await store.assignment.createRole({ name: 'member', domainId: d2.id })
    await rejectsWithConflict(
      store.assignment.createRole({ name: 'member', domainId: d.id }),
      'Conflict occurred attempting to store role - Duplicate entry found with name member at domain ID d1.',
    )
  })

  test('region IDs are unique', async () => {
    const { store } = env()
    await store.catalog.createRegion({ id: 'RegionOne' })
    await rejectsWithConflict(
      store.catalog.createRegion({ id: 'RegionOne' }),
      'Conflict occurred attempting to store region - Duplicate ID, RegionOne.',
    )
  })

  test('application credential names are unique per user', async () => {
    const { store } = env()
    const { domain, user, project } = await seedBasics(store)
    const other = await store.identity.createUser({ name: 'other', domainId: domain.id })
    const base = { name: 'monitoring', projectId: project.id, secretHash: 'h', roleIds: [] }
    await store.applicationCredentials.create({ ...base, userId: user.id })
    await store.applicationCredentials.create({ ...base, userId: other.id })
    await rejectsWithConflict(
      store.applicationCredentials.create({ ...base, userId: user.id }),
      'Conflict occurred attempting to store application_credential - Duplicate entry found with name monitoring.',
    )
  })

  test('an implied-role rule can exist only once', async () => {
    const { store } = env()
    const admin = await store.assignment.createRole({ name: 'admin' })
    const member = await store.assignment.createRole({ name: 'member' })
    await store.assignment.addImpliedRole(admin.id, member.id)
    await assert.rejects(store.assignment.addImpliedRole(admin.id, member.id), Conflict)
  })

  test('re-granting a role and re-adding a member are silently accepted', async () => {
    const { store } = env()
    const { user, group, project, role } = await seedBasics(store)
    const grant = {
      roleId: role.id,
      actor: { type: 'user', id: user.id },
      target: { type: 'project', id: project.id },
    } as const
    await store.assignment.grant(grant)
    await store.assignment.grant(grant)
    await store.identity.addUserToGroup(user.id, group.id)
    await store.identity.addUserToGroup(user.id, group.id)
    assert.equal((await store.assignment.listRoleAssignments()).length, 1)
    assert.equal((await store.identity.listUsers({ groupId: group.id })).length, 1)
  })
})
