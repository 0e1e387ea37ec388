import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Conflict, RoleNotFound } from '../../../packages/identity/src/errors.ts'
import { eachDialect, rowCount, seedBasics } from './store.fixtures.ts'

/** A value the database itself rejects (NOT NULL), to make the second step of a write fail. */
const NULL_STRING = null as unknown as string

eachDialect('multi-step writes are all or nothing', (env) => {
  test('a user whose first password cannot be stored is not created', async () => {
    const { store, database } = env()
    await seedBasics(store)
    await assert.rejects(
      store.identity.createUser({
        name: 'half',
        domainId: 'default',
        password: { hash: NULL_STRING },
      }),
    )
    assert.equal(await store.identity.findUserByName('half', 'default'), undefined)
    assert.equal(await rowCount(database, 'password'), 0)
  })

  test('a project whose tags cannot be stored is not created', async () => {
    const { store } = env()
    await seedBasics(store)
    await assert.rejects(
      store.resource.createProject({
        name: 'half',
        domainId: 'default',
        tags: ['ok', NULL_STRING],
      }),
    )
    assert.equal(await store.resource.findProjectByName('half', 'default'), undefined)
  })

  test('a failed tag replacement keeps the old tags', async () => {
    const { store } = env()
    const { project } = await seedBasics(store)
    await store.resource.setTags(project.id, ['old'])
    await assert.rejects(store.resource.setTags(project.id, ['new', NULL_STRING]))
    assert.deepEqual(await store.resource.listTags(project.id), ['old'])
  })

  test('a failed update of name and tags changes neither', async () => {
    const { store } = env()
    const { project, domain } = await seedBasics(store)
    await store.resource.createProject({ name: 'taken', domainId: domain.id })
    await store.resource.setTags(project.id, ['old'])
    await assert.rejects(
      store.resource.updateProject(project.id, { name: 'taken', tags: ['new'] }),
      Conflict,
    )
    await assert.rejects(
      store.resource.updateProject(project.id, { description: 'changed', tags: [NULL_STRING] }),
    )
    const after = await store.resource.getProject(project.id)
    assert.equal(after.name, 'admin')
    assert.equal(after.description, null)
    assert.deepEqual(after.tags, ['old'])
  })

  test('an application credential with an unknown role is not created', async () => {
    const { store, database } = env()
    const { user, project, role } = await seedBasics(store)
    await assert.rejects(
      store.applicationCredentials.create({
        name: 'ac',
        userId: user.id,
        projectId: project.id,
        secretHash: 's',
        roleIds: [role.id, 'missing'],
      }),
      RoleNotFound,
    )
    assert.equal(await rowCount(database, 'application_credential'), 0)
    assert.equal(await rowCount(database, 'application_credential_role'), 0)
  })

  test('store.transaction rolls back every repository when a later step fails', async () => {
    const { store } = env()
    const { user } = await seedBasics(store)
    await assert.rejects(
      store.transaction(async (tx) => {
        await tx.identity.deleteUser(user.id)
        await tx.revocation.record({ userId: user.id })
        await tx.resource.createDomain({ name: 'Default' }) // Conflict
      }),
      Conflict,
    )
    assert.equal((await store.identity.getUser(user.id)).name, 'jdoe')
    assert.deepEqual(await store.revocation.listSince(), [])
  })

  test('store.transaction commits every repository together', async () => {
    const { store } = env()
    const { user } = await seedBasics(store)
    const result = await store.transaction(async (tx) => {
      await tx.identity.deleteUser(user.id)
      const event = await tx.revocation.record({ userId: user.id })
      // Repository methods that open their own transaction join this one instead.
      await tx.resource.createProject({ name: 'inside', domainId: 'default', tags: ['t'] })
      return event.userId
    })
    assert.equal(result, user.id)
    assert.equal(await store.identity.findUserByName('jdoe', 'default'), undefined)
    assert.equal((await store.revocation.listSince()).length, 1)
    assert.deepEqual((await store.resource.findProjectByName('inside', 'default'))?.tags, ['t'])
  })
})
