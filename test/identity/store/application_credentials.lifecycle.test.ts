import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  ApplicationCredentialNotFound,
  UserNotFound,
} from '../../../packages/identity/src/errors.ts'
import { EPOCH_MS, eachDialect, seedBasics } from './store.fixtures.ts'

eachDialect('application credentials', (env) => {
  test('a credential keeps its roles and hash; the hash is read only on request', async () => {
    const { store } = env()
    const { user, project, role } = await seedBasics(store)
    const reader = await store.assignment.createRole({ name: 'reader' })
    const created = await store.applicationCredentials.create({
      name: 'monitoring',
      userId: user.id,
      projectId: project.id,
      secretHash: '$2b$12$secret',
      description: 'scrapes metrics',
      roleIds: [role.id, reader.id, role.id],
    })
    assert.match(created.id, /^[0-9a-f]{32}$/)
    assert.deepEqual(created.roleIds, [role.id, reader.id].sort())
    assert.equal(created.unrestricted, false)
    assert.equal(created.expiresAt, null)
    assert.equal(created.createdAt, EPOCH_MS * 1000)
    assert.equal('secretHash' in created, false)
    assert.equal(await store.applicationCredentials.getSecretHash(created.id), '$2b$12$secret')
    assert.deepEqual(await store.applicationCredentials.get(created.id), created)
    assert.deepEqual(await store.applicationCredentials.findByName(user.id, 'monitoring'), created)
  })

  test('listing is per user, optionally by name', async () => {
    const { store } = env()
    const { user, project, domain } = await seedBasics(store)
    const other = await store.identity.createUser({ name: 'other', domainId: domain.id })
    const base = { projectId: project.id, secretHash: 'h', roleIds: [] }
    await store.applicationCredentials.create({ ...base, name: 'a', userId: user.id })
    await store.applicationCredentials.create({ ...base, name: 'b', userId: user.id })
    await store.applicationCredentials.create({ ...base, name: 'a', userId: other.id })
    assert.equal((await store.applicationCredentials.list(user.id)).length, 2)
    assert.deepEqual(
      (await store.applicationCredentials.list(user.id, { name: 'b' })).map((c) => c.name),
      ['b'],
    )
  })

  test('deletes: one by ID, or a user’s on one project', async () => {
    const { store } = env()
    const { user, project, domain } = await seedBasics(store)
    const second = await store.resource.createProject({ name: 'second', domainId: domain.id })
    const base = { userId: user.id, secretHash: 'h', roleIds: [] }
    const a = await store.applicationCredentials.create({
      ...base,
      name: 'a',
      projectId: project.id,
    })
    await store.applicationCredentials.create({ ...base, name: 'b', projectId: project.id })
    await store.applicationCredentials.create({ ...base, name: 'c', projectId: second.id })
    await store.applicationCredentials.delete(a.id)
    await assert.rejects(store.applicationCredentials.get(a.id), ApplicationCredentialNotFound)
    await assert.rejects(store.applicationCredentials.delete(a.id), ApplicationCredentialNotFound)
    assert.equal(await store.applicationCredentials.deleteForUserOnProject(user.id, project.id), 1)
    assert.deepEqual(
      (await store.applicationCredentials.list(user.id)).map((c) => c.name),
      ['c'],
    )
  })

  test('a credential for an unknown user is refused', async () => {
    const { store } = env()
    await seedBasics(store)
    await assert.rejects(
      store.applicationCredentials.create({
        name: 'x',
        userId: 'nope',
        secretHash: 'h',
        roleIds: [],
      }),
      UserNotFound,
    )
  })
})
