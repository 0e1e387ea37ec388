import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  DomainNotFound,
  GroupNotFound,
  ImpliedRoleNotFound,
  ProjectNotFound,
  RoleAssignmentNotFound,
  RoleNotFound,
  UserNotFound,
} from '../../../packages/identity/src/errors.ts'
import { eachDialect, seedBasics } from './store.fixtures.ts'

eachDialect('grants and role assignments', (env) => {
  test('a grant can be checked, listed and revoked once', async () => {
    const { store } = env()
    const { user, project, role } = await seedBasics(store)
    const grant = {
      roleId: role.id,
      actor: { type: 'user', id: user.id },
      target: { type: 'project', id: project.id },
    } as const
    assert.equal(await store.assignment.hasGrant(grant), false)
    await store.assignment.grant(grant)
    assert.equal(await store.assignment.hasGrant(grant), true)
    assert.equal(await store.assignment.hasGrant({ ...grant, inherited: true }), false)
    assert.deepEqual(
      (await store.assignment.listGrantedRoles(grant.actor, grant.target)).map((r) => r.name),
      ['member'],
    )
    await store.assignment.revokeGrant(grant)
    await assert.rejects(store.assignment.revokeGrant(grant), (error: unknown) => {
      assert.ok(error instanceof RoleAssignmentNotFound)
      assert.equal(
        error.message,
        `Could not find role assignment with role: ${role.id}, user or group: ${user.id}, ` +
          `project, domain, or system: ${project.id}.`,
      )
      return true
    })
  })

  test('granting with an unknown role, actor or target is a NotFound naming it', async () => {
    const { store } = env()
    const { user, project, role, domain } = await seedBasics(store)
    const user1 = { type: 'user', id: user.id } as const
    const onProject = { type: 'project', id: project.id } as const
    await assert.rejects(
      store.assignment.grant({ roleId: 'nope', actor: user1, target: onProject }),
      RoleNotFound,
    )
    await assert.rejects(
      store.assignment.grant({
        roleId: role.id,
        actor: { type: 'user', id: 'nope' },
        target: onProject,
      }),
      { constructor: UserNotFound, message: 'Could not find user: nope.' },
    )
    await assert.rejects(
      store.assignment.grant({
        roleId: role.id,
        actor: { type: 'group', id: 'nope' },
        target: onProject,
      }),
      GroupNotFound,
    )
    await assert.rejects(
      store.assignment.grant({
        roleId: role.id,
        actor: user1,
        target: { type: 'project', id: domain.id },
      }),
      ProjectNotFound,
    )
    await assert.rejects(
      store.assignment.grant({
        roleId: role.id,
        actor: user1,
        target: { type: 'domain', id: project.id },
      }),
      DomainNotFound,
    )
    await assert.rejects(
      store.assignment.grantSystem({ type: 'group', id: 'nope' }, role.id),
      GroupNotFound,
    )
  })

  test('system grants are checked, listed and revoked per actor', async () => {
    const { store } = env()
    const { user, group, role } = await seedBasics(store)
    const actor = { type: 'user', id: user.id } as const
    await store.assignment.grantSystem(actor, role.id)
    await store.assignment.grantSystem(actor, role.id)
    assert.equal(await store.assignment.hasSystemGrant(actor, role.id), true)
    assert.equal(
      await store.assignment.hasSystemGrant({ type: 'group', id: group.id }, role.id),
      false,
    )
    assert.deepEqual(
      (await store.assignment.listSystemGrantedRoles(actor)).map((r) => r.id),
      [role.id],
    )
    await store.assignment.revokeSystemGrant(actor, role.id)
    await assert.rejects(store.assignment.revokeSystemGrant(actor, role.id), RoleAssignmentNotFound)
  })

  test('role assignments filter by actor, role, scope and inheritance', async () => {
    const { store } = env()
    const { user, group, project, role, domain } = await seedBasics(store)
    const reader = await store.assignment.createRole({ name: 'reader' })
    const u = { type: 'user', id: user.id } as const
    const g = { type: 'group', id: group.id } as const
    await store.assignment.grant({
      roleId: role.id,
      actor: u,
      target: { type: 'project', id: project.id },
    })
    await store.assignment.grant({
      roleId: reader.id,
      actor: g,
      target: { type: 'domain', id: domain.id },
    })
    await store.assignment.grant({
      roleId: reader.id,
      actor: u,
      target: { type: 'domain', id: domain.id },
      inherited: true,
    })
    await store.assignment.grantSystem(g, role.id)
    const list = store.assignment.listRoleAssignments
    assert.equal((await list()).length, 4)
    assert.equal((await list({ actor: u })).length, 2)
    assert.equal((await list({ actor: g })).length, 2)
    assert.equal((await list({ roleId: reader.id })).length, 2)
    assert.deepEqual(await list({ scope: { type: 'system' } }), [
      { roleId: role.id, actor: g, scope: { type: 'system' }, inherited: false },
    ])
    assert.deepEqual(await list({ scope: { type: 'project', id: project.id } }), [
      { roleId: role.id, actor: u, scope: { type: 'project', id: project.id }, inherited: false },
    ])
    assert.equal((await list({ scope: { type: 'domain', id: domain.id } })).length, 2)
    assert.deepEqual(await list({ inherited: true }), [
      { roleId: reader.id, actor: u, scope: { type: 'domain', id: domain.id }, inherited: true },
    ])
  })

  test('implied-role rules are listed per prior role and removed once', async () => {
    const { store } = env()
    const admin = await store.assignment.createRole({ name: 'admin' })
    const manager = await store.assignment.createRole({ name: 'manager' })
    const member = await store.assignment.createRole({ name: 'member' })
    await store.assignment.addImpliedRole(admin.id, manager.id)
    await store.assignment.addImpliedRole(manager.id, member.id)
    assert.equal((await store.assignment.listImpliedRoles()).length, 2)
    assert.deepEqual(await store.assignment.listImpliedRoles(admin.id), [
      { priorRoleId: admin.id, impliedRoleId: manager.id },
    ])
    assert.equal(await store.assignment.hasImpliedRole(admin.id, manager.id), true)
    await store.assignment.removeImpliedRole(admin.id, manager.id)
    await assert.rejects(
      store.assignment.removeImpliedRole(admin.id, manager.id),
      ImpliedRoleNotFound,
    )
    await assert.rejects(store.assignment.addImpliedRole(admin.id, 'nope'), RoleNotFound)
  })
})
