import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  DomainNotFound,
  Forbidden,
  ProjectNotFound,
  RoleNotFound,
  UserNotFound,
} from '../../../packages/identity/src/errors.ts'
import { eachDialect, rowCount, seedBasics } from './store.fixtures.ts'

eachDialect('deletes cascade as in Keystone', (env) => {
  test('deleting a user removes its memberships, grants, passwords and app credentials', async () => {
    const { store, database } = env()
    const { user, group, project, role } = await seedBasics(store)
    await store.identity.setPassword(user.id, { hash: 'h1' })
    await store.identity.addUserToGroup(user.id, group.id)
    const actor = { type: 'user', id: user.id } as const
    await store.assignment.grant({
      roleId: role.id,
      actor,
      target: { type: 'project', id: project.id },
    })
    await store.assignment.grantSystem(actor, role.id)
    await store.applicationCredentials.create({
      name: 'ac',
      userId: user.id,
      projectId: project.id,
      secretHash: 's',
      roleIds: [role.id],
    })

    await store.identity.deleteUser(user.id)

    await assert.rejects(store.identity.getUser(user.id), UserNotFound)
    for (const table of [
      'user_group_membership',
      'assignment',
      'system_assignment',
      'password',
      'application_credential',
      'application_credential_role',
    ]) {
      assert.equal(await rowCount(database, table), 0, table)
    }
    assert.equal((await store.identity.getGroup(group.id)).name, 'devs')
    assert.equal((await store.assignment.getRole(role.id)).name, 'member')
  })

  test('deleting a group removes its memberships and grants but not its users', async () => {
    const { store, database } = env()
    const { user, group, project, role } = await seedBasics(store)
    await store.identity.addUserToGroup(user.id, group.id)
    const actor = { type: 'group', id: group.id } as const
    await store.assignment.grant({
      roleId: role.id,
      actor,
      target: { type: 'project', id: project.id },
    })
    await store.assignment.grantSystem(actor, role.id)
    await store.identity.deleteGroup(group.id)
    assert.equal(await rowCount(database, 'user_group_membership'), 0)
    assert.equal(await rowCount(database, 'assignment'), 0)
    assert.equal(await rowCount(database, 'system_assignment'), 0)
    assert.equal((await store.identity.getUser(user.id)).name, 'jdoe')
  })

  test('deleting a project removes its grants, tags and app credentials', async () => {
    const { store, database } = env()
    const { user, project, role, domain } = await seedBasics(store)
    const keep = await store.resource.createProject({ name: 'keep', domainId: domain.id })
    await store.resource.setTags(project.id, ['a', 'b'])
    await store.resource.setTags(keep.id, ['a'])
    const actor = { type: 'user', id: user.id } as const
    await store.assignment.grant({
      roleId: role.id,
      actor,
      target: { type: 'project', id: project.id },
    })
    await store.assignment.grant({
      roleId: role.id,
      actor,
      target: { type: 'project', id: keep.id },
    })
    await store.applicationCredentials.create({
      name: 'ac',
      userId: user.id,
      projectId: project.id,
      secretHash: 's',
      roleIds: [],
    })

    await store.resource.deleteProject(project.id)

    await assert.rejects(store.resource.getProject(project.id), ProjectNotFound)
    assert.equal(await rowCount(database, 'project_tag', 'project_id', project.id), 0)
    assert.equal(await rowCount(database, 'project_tag', 'project_id', keep.id), 1)
    assert.equal(await rowCount(database, 'assignment', 'target_id', project.id), 0)
    assert.equal(await rowCount(database, 'assignment', 'target_id', keep.id), 1)
    assert.equal(await rowCount(database, 'application_credential'), 0)
  })

  test('a project with children cannot be deleted', async () => {
    const { store } = env()
    const { project, domain } = await seedBasics(store)
    await store.resource.createProject({ name: 'child', domainId: domain.id, parentId: project.id })
    await assert.rejects(store.resource.deleteProject(project.id), (error: unknown) => {
      assert.ok(error instanceof Forbidden)
      assert.match(error.message, /is not a leaf in the hierarchy/)
      return true
    })
    assert.equal((await store.resource.getProject(project.id)).name, 'admin')
  })

  test('deleting a domain removes its projects, users, groups, domain roles and grants', async () => {
    const { store, database } = env()
    const keep = await seedBasics(store)
    const doomed = await store.resource.createDomain({ name: 'Doomed', tags: ['x'] })
    const parent = await store.resource.createProject({
      name: 'p',
      domainId: doomed.id,
      tags: ['t'],
    })
    const child = await store.resource.createProject({
      name: 'c',
      domainId: doomed.id,
      parentId: parent.id,
    })
    const user = await store.identity.createUser({
      name: 'u',
      domainId: doomed.id,
      password: { hash: 'h' },
    })
    const group = await store.identity.createGroup({ name: 'g', domainId: doomed.id })
    await store.identity.addUserToGroup(user.id, group.id)
    // A user of another domain keeps its grants elsewhere but loses those on the doomed domain.
    await store.identity.addUserToGroup(keep.user.id, group.id)
    const domainRole = await store.assignment.createRole({ name: 'dr', domainId: doomed.id })
    await store.assignment.addImpliedRole(domainRole.id, keep.role.id)
    const outsider = { type: 'user', id: keep.user.id } as const
    await store.assignment.grant({
      roleId: keep.role.id,
      actor: outsider,
      target: { type: 'project', id: child.id },
    })
    await store.assignment.grant({
      roleId: keep.role.id,
      actor: outsider,
      target: { type: 'domain', id: doomed.id },
      inherited: true,
    })
    await store.assignment.grant({
      roleId: keep.role.id,
      actor: outsider,
      target: { type: 'project', id: keep.project.id },
    })
    await store.assignment.grant({
      roleId: keep.role.id,
      actor: { type: 'group', id: group.id },
      target: { type: 'project', id: keep.project.id },
    })
    await store.applicationCredentials.create({
      name: 'ac',
      userId: keep.user.id,
      projectId: parent.id,
      secretHash: 's',
      roleIds: [],
    })

    await store.resource.deleteDomain(doomed.id)

    await assert.rejects(store.resource.getDomain(doomed.id), DomainNotFound)
    await assert.rejects(store.resource.getProject(child.id), ProjectNotFound)
    await assert.rejects(store.identity.getUser(user.id), UserNotFound)
    await assert.rejects(store.assignment.getRole(domainRole.id), RoleNotFound)
    assert.deepEqual(
      (await store.resource.listProjects()).map((p) => p.id).sort(),
      [keep.domain.id, keep.project.id].sort(),
    )
    assert.equal(await rowCount(database, 'group', 'domain_id', doomed.id), 0)
    assert.equal(await rowCount(database, 'project_tag'), 0)
    assert.equal(await rowCount(database, 'implied_role'), 0)
    assert.equal(await rowCount(database, 'application_credential'), 0)
    assert.equal(await rowCount(database, 'user_group_membership'), 0)
    const left = await store.assignment.listRoleAssignments()
    assert.deepEqual(left, [
      {
        roleId: keep.role.id,
        actor: outsider,
        scope: { type: 'project', id: keep.project.id },
        inherited: false,
      },
    ])
  })

  test('deleting a role removes its grants, implications and app-credential roles', async () => {
    const { store, database } = env()
    const { user, project, role } = await seedBasics(store)
    const reader = await store.assignment.createRole({ name: 'reader' })
    await store.assignment.addImpliedRole(role.id, reader.id)
    const actor = { type: 'user', id: user.id } as const
    await store.assignment.grant({
      roleId: role.id,
      actor,
      target: { type: 'project', id: project.id },
    })
    await store.assignment.grantSystem(actor, role.id)
    const ac = await store.applicationCredentials.create({
      name: 'ac',
      userId: user.id,
      projectId: project.id,
      secretHash: 's',
      roleIds: [role.id, reader.id],
    })
    await store.assignment.deleteRole(role.id)
    assert.equal(await rowCount(database, 'assignment'), 0)
    assert.equal(await rowCount(database, 'system_assignment'), 0)
    assert.equal(await rowCount(database, 'implied_role'), 0)
    assert.deepEqual((await store.applicationCredentials.get(ac.id)).roleIds, [reader.id])
  })

  test('deleting a service removes its endpoints', async () => {
    const { store, database } = env()
    const service = await store.catalog.createService({ type: 'identity', name: 'keystone' })
    for (const iface of ['public', 'internal', 'admin'] as const) {
      await store.catalog.createEndpoint({
        serviceId: service.id,
        interface: iface,
        url: 'http://ks/v3',
      })
    }
    await store.catalog.deleteService(service.id)
    assert.equal(await rowCount(database, 'endpoint'), 0)
  })

  test('deleting a region removes its child regions, unless an endpoint uses one', async () => {
    const { store } = env()
    await store.catalog.createRegion({ id: 'top' })
    await store.catalog.createRegion({ id: 'mid', parentRegionId: 'top' })
    await store.catalog.createRegion({ id: 'leaf', parentRegionId: 'mid' })
    const service = await store.catalog.createService({ type: 'compute' })
    const endpoint = await store.catalog.createEndpoint({
      serviceId: service.id,
      interface: 'public',
      url: 'http://nova',
      regionId: 'leaf',
    })
    await assert.rejects(store.catalog.deleteRegion('top'), Forbidden)
    assert.equal((await store.catalog.listRegions()).length, 3)
    await store.catalog.deleteEndpoint(endpoint.id)
    await store.catalog.deleteRegion('top')
    assert.deepEqual(await store.catalog.listRegions(), [])
  })
})
