import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Conflict, LimitNotFound } from '../../../packages/identity/src/errors.ts'
import type { Store } from '../../../packages/identity/src/store/index.ts'
import { eachDialect, rowCount, seedBasics } from './store.fixtures.ts'

async function limits(store: Store) {
  const basics = await seedBasics(store)
  const service = await store.catalog.createService({ type: 'compute' })
  await store.catalog.createRegion({ id: 'R1' })
  const registered = await store.unifiedLimits.createRegisteredLimit({
    id: 'rl-1',
    serviceId: service.id,
    regionId: 'R1',
    resourceName: 'cores',
    defaultLimit: 10,
    description: null,
  })
  const other = await store.resource.createDomain({ name: 'Other' })
  const projectLimit = await store.unifiedLimits.createLimit({
    id: 'l-project',
    projectId: basics.project.id,
    domainId: null,
    registeredLimitId: registered.id,
    resourceLimit: 5,
    description: null,
  })
  const domainLimit = await store.unifiedLimits.createLimit({
    id: 'l-domain',
    projectId: null,
    domainId: other.id,
    registeredLimitId: registered.id,
    resourceLimit: 50,
    description: 'd',
  })
  return { ...basics, service, registered, other, projectLimit, domainLimit }
}

eachDialect('unified limits in the store', (env) => {
  test('a limit reads its service, region and resource through its registered limit', async () => {
    const { store } = env()
    const { service, projectLimit } = await limits(store)
    assert.deepEqual(projectLimit, {
      id: 'l-project',
      projectId: projectLimit.projectId,
      domainId: null,
      registeredLimitId: 'rl-1',
      serviceId: service.id,
      regionId: 'R1',
      resourceName: 'cores',
      resourceLimit: 5,
      description: null,
    })
    assert.equal((await store.unifiedLimits.listLimits({ regionId: null })).length, 0)
    assert.equal((await store.unifiedLimits.listLimits({ regionId: 'R1' })).length, 2)
  })

  test('the unique indexes refuse a duplicate the query check did not see (NULL region too)', async () => {
    const { store, database } = env()
    const { service, registered, project } = await limits(store)
    await store.unifiedLimits.createRegisteredLimit({
      id: 'rl-2',
      serviceId: service.id,
      regionId: null,
      resourceName: 'cores',
      defaultLimit: 1,
      description: null,
    })
    // straight SQL, as a concurrent writer would insert between check and insert
    await assert.rejects(
      database.db
        .insertInto('registered_limit')
        .values({
          id: 'rl-3',
          service_id: service.id,
          region_id: null,
          resource_name: 'cores',
          default_limit: 1,
          description: null,
        })
        .execute(),
    )
    await assert.rejects(
      store.unifiedLimits.createLimit({
        id: 'l-again',
        projectId: project.id,
        domainId: null,
        registeredLimitId: registered.id,
        resourceLimit: 1,
        description: null,
      }),
      Conflict,
    )
    await assert.rejects(
      database.db
        .insertInto('limit')
        .values({
          id: 'l-x',
          project_id: project.id,
          domain_id: null,
          registered_limit_id: registered.id,
          resource_limit: 1,
          description: null,
        })
        .execute(),
    )
  })

  test('deleting a project, a domain, a region or a service takes the limits along', async () => {
    const { store, database } = env()
    const { project, other, service } = await limits(store)
    await store.resource.deleteProject(project.id)
    await assert.rejects(store.unifiedLimits.getLimit('l-project'), LimitNotFound)
    await store.resource.updateDomain(other.id, { enabled: false })
    await store.resource.deleteDomain(other.id)
    await assert.rejects(store.unifiedLimits.getLimit('l-domain'), LimitNotFound)
    assert.equal(await rowCount(database, 'registered_limit'), 1)
    await store.catalog.deleteRegion('R1')
    assert.equal(await rowCount(database, 'registered_limit'), 0)
    await store.unifiedLimits.createRegisteredLimit({
      id: 'rl-9',
      serviceId: service.id,
      regionId: null,
      resourceName: 'ram',
      defaultLimit: 1,
      description: null,
    })
    await store.catalog.deleteService(service.id)
    assert.equal(await rowCount(database, 'registered_limit'), 0)
  })
})
