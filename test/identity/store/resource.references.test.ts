import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  DomainNotFound,
  NotFound,
  ProjectNotFound,
  ValidationError,
} from '../../../packages/identity/src/errors.ts'
import { eachDialect, seedBasics } from './store.fixtures.ts'

eachDialect('domains and projects', (env) => {
  test('a project without a parent hangs under its domain; IDs are uuid4 hex', async () => {
    const { store } = env()
    const { project, domain } = await seedBasics(store)
    assert.match(project.id, /^[0-9a-f]{32}$/)
    assert.equal(project.parentId, domain.id)
    assert.equal(project.domainId, domain.id)
    assert.equal(project.isDomain, false)
    assert.deepEqual(project.tags, [])
  })

  test('a domain is also readable in its project form', async () => {
    const { store } = env()
    const { domain } = await seedBasics(store)
    const asProject = await store.resource.getProject(domain.id)
    assert.equal(asProject.isDomain, true)
    assert.equal(asProject.domainId, null)
    assert.equal(asProject.parentId, null)
    assert.equal((await store.resource.findDomainByName('Default'))?.id, 'default')
    const project = await store.resource.createProject({ name: 'x', domainId: domain.id })
    await assert.rejects(store.resource.getDomain(project.id), DomainNotFound)
  })

  test('unknown domains and parents are named; a parent from another domain is refused', async () => {
    const { store } = env()
    const { project } = await seedBasics(store)
    await store.resource.createDomain({ id: 'other', name: 'Other' })
    await assert.rejects(store.resource.createProject({ name: 'p', domainId: 'nope' }), {
      constructor: DomainNotFound,
      message: 'Could not find domain: nope.',
    })
    await assert.rejects(
      store.resource.createProject({ name: 'p', domainId: 'default', parentId: 'nope' }),
      ProjectNotFound,
    )
    await assert.rejects(
      store.resource.createProject({ name: 'p', domainId: 'other', parentId: project.id }),
      ValidationError,
    )
    await assert.rejects(store.identity.createUser({ name: 'u', domainId: 'nope' }), DomainNotFound)
    await assert.rejects(
      store.identity.createGroup({ name: 'g', domainId: 'nope' }),
      DomainNotFound,
    )
  })

  test('ancestors are listed from the parent up, without the domain', async () => {
    const { store } = env()
    const { project, domain } = await seedBasics(store)
    const child = await store.resource.createProject({
      name: 'c',
      domainId: domain.id,
      parentId: project.id,
    })
    const leaf = await store.resource.createProject({
      name: 'l',
      domainId: domain.id,
      parentId: child.id,
    })
    assert.deepEqual(await store.resource.listProjectAncestorIds(leaf.id), [child.id, project.id])
    assert.deepEqual(await store.resource.listProjectAncestorIds(project.id), [])
  })

  test('updates change only the given fields; extra and tags are replaced wholesale', async () => {
    const { store } = env()
    const { project } = await seedBasics(store)
    await store.resource.updateProject(project.id, {
      description: 'd',
      extra: { a: 1 },
      tags: ['x', 'y', 'x'],
    })
    const updated = await store.resource.updateProject(project.id, {
      extra: { b: 2 },
      enabled: false,
    })
    assert.equal(updated.description, 'd')
    assert.equal(updated.enabled, false)
    assert.deepEqual(updated.extra, { b: 2 })
    assert.deepEqual(updated.tags, ['x', 'y'])
  })

  test('single tags are added idempotently, checked and removed', async () => {
    const { store } = env()
    const { project } = await seedBasics(store)
    await store.resource.addTag(project.id, 'blue')
    await store.resource.addTag(project.id, 'blue')
    assert.equal(await store.resource.hasTag(project.id, 'blue'), true)
    assert.deepEqual(await store.resource.listTags(project.id), ['blue'])
    await store.resource.removeTag(project.id, 'blue')
    await assert.rejects(store.resource.removeTag(project.id, 'blue'), NotFound)
    await assert.rejects(store.resource.listTags('nope'), ProjectNotFound)
  })

  test('the root sentinel is never reachable as a project or domain', async () => {
    const { store } = env()
    await assert.rejects(store.resource.getProject('<<keystone.domain.root>>'), ProjectNotFound)
    await assert.rejects(store.resource.getDomain('<<keystone.domain.root>>'), DomainNotFound)
    assert.deepEqual(await store.resource.listProjects(), [])
  })
})
