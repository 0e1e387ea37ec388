import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Store } from '../../../packages/identity/src/store/index.ts'
import { eachDialect } from './store.fixtures.ts'

const names = (list: readonly { name: string }[]) => list.map((x) => x.name).sort()

async function seedProjects(store: Store) {
  const d1 = await store.resource.createDomain({ id: 'd1', name: 'One' })
  const d2 = await store.resource.createDomain({ id: 'd2', name: 'Two', enabled: false })
  const web = await store.resource.createProject({ name: 'web', domainId: d1.id, tags: ['a', 'b'] })
  await store.resource.createProject({ name: 'db', domainId: d1.id, tags: ['a'], enabled: false })
  await store.resource.createProject({ name: 'web-child', domainId: d1.id, parentId: web.id })
  await store.resource.createProject({ name: 'Web', domainId: d2.id, tags: ['c'] })
  return { d1, d2, web }
}

eachDialect('listing filters run in SQL', (env) => {
  test('domains filter by name and enabled and never show the root row', async () => {
    const { store } = env()
    await seedProjects(store)
    assert.deepEqual(names(await store.resource.listDomains()), ['One', 'Two'])
    assert.deepEqual(names(await store.resource.listDomains({ enabled: false })), ['Two'])
    assert.deepEqual(names(await store.resource.listDomains({ name: 'One' })), ['One'])
  })

  test('projects filter by domain, parent, enabled, name and is_domain', async () => {
    const { store } = env()
    const { d1, web } = await seedProjects(store)
    const projectsOnly = { isDomain: false }
    assert.deepEqual(names(await store.resource.listProjects(projectsOnly)), [
      'Web',
      'db',
      'web',
      'web-child',
    ])
    assert.deepEqual(names(await store.resource.listProjects({ isDomain: true })), ['One', 'Two'])
    assert.deepEqual(
      names(await store.resource.listProjects({ domainId: d1.id, ...projectsOnly })),
      ['db', 'web', 'web-child'],
    )
    assert.deepEqual(names(await store.resource.listProjects({ parentId: web.id })), ['web-child'])
    assert.deepEqual(names(await store.resource.listProjects({ parentId: d1.id })), ['db', 'web'])
    assert.deepEqual(
      names(await store.resource.listProjects({ enabled: false, ...projectsOnly })),
      ['db'],
    )
    assert.deepEqual(names(await store.resource.listProjects({ name: 'web' })), ['web'])
  })

  test('project tag filters: all, any, not all, not any', async () => {
    const { store } = env()
    await seedProjects(store)
    const list = (filter: Parameters<Store['resource']['listProjects']>[0]) =>
      store.resource.listProjects({ isDomain: false, ...filter }).then(names)
    assert.deepEqual(await list({ tags: ['a', 'b'] }), ['web'])
    assert.deepEqual(await list({ tagsAny: ['b', 'c'] }), ['Web', 'web'])
    assert.deepEqual(await list({ notTags: ['a', 'b'] }), ['Web', 'db', 'web-child'])
    assert.deepEqual(await list({ notTagsAny: ['a', 'c'] }), ['web-child'])
  })

  test('inexact name filters behave the same on both dialects', async () => {
    const { store } = env()
    await seedProjects(store)
    const list = (match: 'contains' | 'startswith' | 'endswith', value: string, ci = false) =>
      store.resource
        .listProjects({ isDomain: false, name: { match, value, caseInsensitive: ci } })
        .then(names)
    assert.deepEqual(await list('startswith', 'web'), ['web', 'web-child'])
    assert.deepEqual(await list('startswith', 'web', true), ['Web', 'web', 'web-child'])
    assert.deepEqual(await list('contains', 'b-c'), ['web-child'])
    assert.deepEqual(await list('contains', 'EB', true), ['Web', 'web', 'web-child'])
    assert.deepEqual(await list('endswith', 'eb'), ['Web', 'web'])
    assert.deepEqual(await list('endswith', 'B', true), ['Web', 'db', 'web'])
    // LIKE wildcards are plain characters here.
    assert.deepEqual(await list('contains', '%'), [])
    assert.deepEqual(await list('contains', '_'), [])
  })

  test('users filter by domain, enabled, name and group membership', async () => {
    const { store } = env()
    await store.resource.createDomain({ id: 'd1', name: 'One' })
    await store.resource.createDomain({ id: 'd2', name: 'Two' })
    const alice = await store.identity.createUser({ name: 'alice', domainId: 'd1' })
    await store.identity.createUser({ name: 'bob', domainId: 'd1', enabled: false })
    await store.identity.createUser({ name: 'alice', domainId: 'd2' })
    const group = await store.identity.createGroup({ name: 'ops', domainId: 'd1' })
    await store.identity.addUserToGroup(alice.id, group.id)
    assert.equal((await store.identity.listUsers()).length, 3)
    assert.deepEqual(names(await store.identity.listUsers({ domainId: 'd1' })), ['alice', 'bob'])
    assert.deepEqual(names(await store.identity.listUsers({ enabled: false })), ['bob'])
    assert.equal((await store.identity.listUsers({ name: 'alice' })).length, 2)
    assert.deepEqual(
      (await store.identity.listUsers({ groupId: group.id })).map((u) => u.id),
      [alice.id],
    )
    assert.deepEqual(names(await store.identity.listGroups({ userId: alice.id })), ['ops'])
    assert.deepEqual(names(await store.identity.listGroups({ domainId: 'd2' })), [])
    assert.equal(await store.identity.isUserInGroup(alice.id, group.id), true)
    await store.identity.removeUserFromGroup(alice.id, group.id)
    assert.deepEqual(await store.identity.listGroups({ userId: alice.id }), [])
  })

  test('roles filter by domain: null means global only, unset means all', async () => {
    const { store } = env()
    await store.resource.createDomain({ id: 'd1', name: 'One' })
    await store.assignment.createRole({ name: 'reader' })
    await store.assignment.createRole({ name: 'dev', domainId: 'd1' })
    assert.deepEqual(names(await store.assignment.listRoles({ domainId: null })), ['reader'])
    assert.deepEqual(names(await store.assignment.listRoles({ domainId: 'd1' })), ['dev'])
    assert.deepEqual(names(await store.assignment.listRoles()), ['dev', 'reader'])
    assert.deepEqual(names(await store.assignment.listRoles({ name: 'reader' })), ['reader'])
    assert.equal((await store.assignment.findRoleByName('dev', 'd1'))?.domainId, 'd1')
    assert.equal(await store.assignment.findRoleByName('dev', null), undefined)
  })

  test('services and endpoints filter by type, name, interface, service and region', async () => {
    const { store } = env()
    await store.catalog.createRegion({ id: 'RegionOne' })
    const ks = await store.catalog.createService({ type: 'identity', name: 'keystone' })
    const nova = await store.catalog.createService({ type: 'compute', name: 'nova' })
    await store.catalog.createEndpoint({ serviceId: ks.id, interface: 'public', url: 'http://ks' })
    await store.catalog.createEndpoint({
      serviceId: ks.id,
      interface: 'admin',
      url: 'http://ks-admin',
      regionId: 'RegionOne',
    })
    await store.catalog.createEndpoint({
      serviceId: nova.id,
      interface: 'public',
      url: 'http://nova',
      enabled: false,
    })
    assert.deepEqual(
      (await store.catalog.listServices({ type: 'compute' })).map((s) => s.id),
      [nova.id],
    )
    assert.deepEqual(
      (await store.catalog.listServices({ name: 'keystone' })).map((s) => s.id),
      [ks.id],
    )
    assert.equal((await store.catalog.listEndpoints({ interface: 'public' })).length, 2)
    assert.equal((await store.catalog.listEndpoints({ serviceId: ks.id })).length, 2)
    assert.deepEqual(
      (await store.catalog.listEndpoints({ regionId: 'RegionOne' })).map((e) => e.url),
      ['http://ks-admin'],
    )
    const catalog = await store.catalog.listCatalog()
    const byType = Object.fromEntries(catalog.map((c) => [c.service.type, c.endpoints.length]))
    assert.deepEqual(byType, { identity: 2, compute: 0 })
  })

  test('regions filter by parent and refuse a parent cycle', async () => {
    const { store } = env()
    await store.catalog.createRegion({ id: 'top' })
    await store.catalog.createRegion({ id: 'child', parentRegionId: 'top' })
    assert.deepEqual(
      (await store.catalog.listRegions({ parentRegionId: 'top' })).map((r) => r.id),
      ['child'],
    )
    await assert.rejects(store.catalog.updateRegion('top', { parentRegionId: 'child' }), {
      status: 400,
    })
    await assert.rejects(store.catalog.createRegion({ parentRegionId: 'nowhere' }), { status: 404 })
  })
})
