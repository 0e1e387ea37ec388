import assert from 'node:assert/strict'
import { test } from 'node:test'
import { type Api, apiSuite, assertError, caller } from './support.ts'

/** A service and a region to hang registered limits on. */
async function catalog(api: Api) {
  const svc = await api.call('POST', '/v3/services', { body: { service: { type: 'compute' } } })
  await api.call('POST', '/v3/regions', { body: { region: { id: 'RegionOne' } } })
  return svc.json.service.id as string
}

apiSuite('unified limits (flat)', (api) => {
  test('registered limits: list create, filters, 409 on a duplicate, 400 on unknown references', async () => {
    await api().seed()
    const serviceId = await catalog(api())
    const res = await api().call('POST', '/v3/registered_limits', {
      body: {
        registered_limits: [
          { service_id: serviceId, resource_name: 'cores', default_limit: 10 },
          {
            service_id: serviceId,
            region_id: 'RegionOne',
            resource_name: 'ram',
            default_limit: 5,
            description: 'RAM',
          },
        ],
      },
    })
    assert.equal(res.status, 201, res.body)
    assert.equal(res.json.links, undefined)
    const [cores, ram] = res.json.registered_limits
    assert.deepEqual(cores, {
      id: cores.id,
      service_id: serviceId,
      region_id: null,
      resource_name: 'cores',
      default_limit: 10,
      description: null,
      links: { self: `http://ks.example:5000/v3/registered_limits/${cores.id}` },
    })
    assert.equal(ram.region_id, 'RegionOne')
    const byRegion = await api().call('GET', '/v3/registered_limits?region_id=RegionOne')
    assert.deepEqual(
      byRegion.json.registered_limits.map((r: { id: string }) => r.id),
      [ram.id],
    )
    const dup = await api().call('POST', '/v3/registered_limits', {
      body: {
        registered_limits: [{ service_id: serviceId, resource_name: 'cores', default_limit: 1 }],
      },
    })
    assertError(
      dup,
      409,
      'Conflict occurred attempting to store registered_limit - Duplicate entry.',
    )
    assertError(
      await api().call('POST', '/v3/registered_limits', {
        body: { registered_limits: [{ service_id: 'nope', resource_name: 'x', default_limit: 1 }] },
      }),
      400,
      /^Expecting to find service_id in registered_limit\./,
    )
    assertError(
      await api().call('POST', '/v3/registered_limits', {
        body: {
          registered_limits: [{ service_id: serviceId, resource_name: 'x', default_limit: -2 }],
        },
      }),
      400,
      "Invalid input for field '0/default_limit': -2 is less than the minimum of -1",
    )
    // nothing of a refused list is written
    assertError(
      await api().call('POST', '/v3/registered_limits', {
        body: {
          registered_limits: [
            { service_id: serviceId, resource_name: 'disk', default_limit: 1 },
            { service_id: serviceId, resource_name: 'cores', default_limit: 1 },
          ],
        },
      }),
      409,
    )
    assert.equal(
      (await api().call('GET', '/v3/registered_limits')).json.registered_limits.length,
      2,
    )
    const patched = await api().call('PATCH', `/v3/registered_limits/${cores.id}`, {
      body: { registered_limit: { default_limit: 20 } },
    })
    assert.equal(patched.json.registered_limit.default_limit, 20)
    assertError(
      await api().call('GET', '/v3/registered_limits/nope'),
      404,
      'Could not find registered limit for nope.',
    )
    assertError(
      await api().call('POST', '/v3/registered_limits', {
        token: 'member',
        body: { registered_limits: [] },
      }),
      403,
    )
  })

  test('limits: need a registered limit, project or domain, scoping, PATCH, 403 on a referenced registered limit', async () => {
    const seed = await api().seed()
    const serviceId = await catalog(api())
    const reg = await api().call('POST', '/v3/registered_limits', {
      body: {
        registered_limits: [{ service_id: serviceId, resource_name: 'cores', default_limit: 10 }],
      },
    })
    const regId = reg.json.registered_limits[0].id
    assertError(
      await api().call('POST', '/v3/limits', {
        body: {
          limits: [
            {
              project_id: seed.projectId,
              service_id: serviceId,
              resource_name: 'ram',
              resource_limit: 1,
            },
          ],
        },
      }),
      403,
      'Unable to create a limit that has no corresponding registered limit.',
    )
    assertError(
      await api().call('POST', '/v3/limits', {
        body: { limits: [{ service_id: serviceId, resource_name: 'cores', resource_limit: 1 }] },
      }),
      400,
      /^Invalid input for field '0': .* is not valid under any of the given schemas$/,
    )
    const res = await api().call('POST', '/v3/limits', {
      body: {
        limits: [
          {
            project_id: seed.projectId,
            service_id: serviceId,
            resource_name: 'cores',
            resource_limit: 5,
          },
          // a domain's project ID makes a domain limit
          {
            project_id: seed.domainId,
            service_id: serviceId,
            resource_name: 'cores',
            resource_limit: 50,
          },
        ],
      },
    })
    assert.equal(res.status, 201, res.body)
    const [projectLimit, domainLimit] = res.json.limits
    assert.equal(projectLimit.project_id, seed.projectId)
    assert.equal(projectLimit.domain_id, null)
    assert.equal(projectLimit.region_id, null)
    assert.equal(domainLimit.domain_id, seed.domainId)
    assert.equal(domainLimit.project_id, null)
    assertError(
      await api().call('POST', '/v3/limits', {
        body: {
          limits: [
            {
              project_id: seed.projectId,
              service_id: serviceId,
              resource_name: 'cores',
              resource_limit: 1,
            },
          ],
        },
      }),
      409,
      'Conflict occurred attempting to store limit - Duplicate entry.',
    )
    // a project token sees its project's limits only; a system token sees all
    const mine = await api().call('GET', '/v3/limits', { token: 'member' })
    assert.deepEqual(
      mine.json.limits.map((l: { id: string }) => l.id),
      [projectLimit.id],
    )
    const all = await api().call('GET', '/v3/limits', { token: 'system-reader' })
    assert.equal(all.json.limits.length, 2)
    api().callers.set(
      'domain-reader',
      caller({
        userId: seed.memberId,
        roles: ['reader'],
        scope: { kind: 'domain', domainId: seed.domainId },
      }),
    )
    assert.equal(
      (await api().call('GET', '/v3/limits', { token: 'domain-reader' })).json.limits.length,
      2,
    )
    const member = await api().call('GET', `/v3/limits/${domainLimit.id}`, { token: 'member' })
    assertError(member, 403)
    assert.equal(
      (await api().call('GET', `/v3/limits/${projectLimit.id}`, { token: 'member' })).status,
      200,
    )
    // Keystone writes only a truthy resource_limit
    const zero = await api().call('PATCH', `/v3/limits/${projectLimit.id}`, {
      body: { limit: { resource_limit: 0 } },
    })
    assert.equal(zero.json.limit.resource_limit, 5)
    const seven = await api().call('PATCH', `/v3/limits/${projectLimit.id}`, {
      body: { limit: { resource_limit: 7 } },
    })
    assert.equal(seven.json.limit.resource_limit, 7)
    assertError(
      await api().call('DELETE', '/v3/limits/nope', { token: 'member' }),
      404,
      'Could not find limit for nope.',
    )
    const refused = `Unable to update or delete registered limit ${regId} because there are project limits associated with it.`
    assertError(await api().call('DELETE', `/v3/registered_limits/${regId}`), 403, refused)
    assertError(
      await api().call('PATCH', `/v3/registered_limits/${regId}`, {
        body: { registered_limit: { default_limit: 1 } },
      }),
      403,
      refused,
    )
    // deleting the project takes its limits along
    assert.equal((await api().call('DELETE', `/v3/projects/${seed.projectId}`)).status, 204)
    const left = await api().call('GET', '/v3/limits', { token: 'system-reader' })
    assert.deepEqual(
      left.json.limits.map((l: { id: string }) => l.id),
      [domainLimit.id],
    )
    // deleting the service takes its registered limits and their limits along
    assert.equal((await api().call('DELETE', `/v3/services/${serviceId}`)).status, 204)
    assert.equal(
      (await api().call('GET', '/v3/limits', { token: 'system-reader' })).json.limits.length,
      0,
    )
    assert.equal(
      (await api().call('GET', '/v3/registered_limits')).json.registered_limits.length,
      0,
    )
  })

  test('the model is flat by default', async () => {
    await api().seed()
    const res = await api().call('GET', '/v3/limits/model', { token: 'member' })
    assert.deepEqual(res.json, {
      model: {
        name: 'flat',
        description:
          'Limit enforcement and validation does not take project hierarchy into consideration.',
      },
    })
  })
})

apiSuite(
  'unified limits (strict_two_level)',
  (api) => {
    test('a project limit may not exceed its domain limit, nor a domain limit undercut a project', async () => {
      const seed = await api().seed()
      const serviceId = await catalog(api())
      await api().call('POST', '/v3/registered_limits', {
        body: {
          registered_limits: [{ service_id: serviceId, resource_name: 'cores', default_limit: 10 }],
        },
      })
      const project = (resourceLimit: number) => ({
        project_id: seed.projectId,
        service_id: serviceId,
        resource_name: 'cores',
        resource_limit: resourceLimit,
      })
      const domain = (resourceLimit: number) => ({
        ...project(resourceLimit),
        project_id: undefined,
        domain_id: seed.domainId,
      })
      // no domain limit: the registered default (10) bounds the project
      assertError(
        await api().call('POST', '/v3/limits', { body: { limits: [project(11)] } }),
        403,
        `Invalid resource limit: The resource limit (project_id: ${seed.projectId}, resource_name: cores, resource_limit: 11, service_id: ${serviceId}, region_id: None) doesn't satisfy current hierarchy model..`,
      )
      // the domain limit in the same request counts
      const both = await api().call('POST', '/v3/limits', {
        body: { limits: [domain(20), project(15)] },
      })
      assert.equal(both.status, 201, both.body)
      const [domainLimit, projectLimit] = both.json.limits
      assertError(
        await api().call('PATCH', `/v3/limits/${domainLimit.id}`, {
          body: { limit: { resource_limit: 12 } },
        }),
        403,
        /^Invalid resource limit: The resource limit \(domain_id: /,
      )
      assertError(
        await api().call('PATCH', `/v3/limits/${projectLimit.id}`, {
          body: { limit: { resource_limit: 21 } },
        }),
        403,
      )
      const model = await api().call('GET', '/v3/limits/model')
      assert.equal(model.json.model.name, 'strict_two_level')
      // and the project tree stops at two levels
      const child = await api().call('POST', '/v3/projects', {
        body: { project: { name: 'child', parent_id: seed.projectId } },
      })
      assert.equal(child.status, 201, child.body)
      const grandchild = await api().call('POST', '/v3/projects', {
        body: { project: { name: 'grandchild', parent_id: child.json.project.id } },
      })
      assertError(grandchild, 403)
    })
  },
  { unified_limit: { enforcement_model: 'strict_two_level' } },
)
