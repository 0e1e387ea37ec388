import assert from 'node:assert/strict'
import { test } from 'node:test'
import { checkEndpointUrl } from '../../../../packages/identity/src/core/resources/catalog.ts'
import { apiSuite, assertError } from './support.ts'

apiSuite('services, endpoints and regions', (api) => {
  test('services: name defaults to "", extras echoed, filters, 404', async () => {
    await api().seed()
    const res = await api().call('POST', '/v3/services', {
      body: { service: { type: 'compute', owner: 'x' } },
    })
    assert.equal(res.status, 201, res.body)
    const svc = res.json.service
    assert.deepEqual(svc, {
      owner: 'x',
      name: '',
      id: svc.id,
      type: 'compute',
      enabled: true,
      links: { self: `http://ks.example:5000/v3/services/${svc.id}` },
    })
    const upd = await api().call('PATCH', `/v3/services/${svc.id}`, {
      body: { service: { name: 'nova', description: 'Compute' } },
    })
    assert.equal(upd.json.service.name, 'nova')
    assert.equal(upd.json.service.description, 'Compute')
    assert.equal(upd.json.service.owner, 'x')
    assert.equal((await api().call('GET', '/v3/services?type=compute')).json.services.length, 1)
    assert.equal((await api().call('GET', '/v3/services?name=nova')).json.services.length, 1)
    assert.equal((await api().call('GET', '/v3/services?type=image')).json.services.length, 0)
    assertError(await api().call('GET', '/v3/services/nope'), 404, 'Could not find service: nope.')
    assertError(
      await api().call('POST', '/v3/services', { body: {} }),
      400,
      /^None is not of type 'object'/,
    )
  })

  test('regions: caller-chosen ids, PUT, parents, 409, cycles, delete rules', async () => {
    await api().seed()
    const one = await api().call('POST', '/v3/regions', { body: { region: { id: 'RegionOne' } } })
    assert.equal(one.status, 201, one.body)
    assert.deepEqual(one.json.region, {
      id: 'RegionOne',
      description: '',
      parent_region_id: null,
      links: { self: 'http://ks.example:5000/v3/regions/RegionOne' },
    })
    const generated = await api().call('POST', '/v3/regions', { body: { region: {} } })
    assert.match(generated.json.region.id, /^[0-9a-f]{32}$/)
    const child = await api().call('PUT', '/v3/regions/Child', {
      body: { region: { parent_region_id: 'RegionOne' } },
    })
    assert.equal(child.status, 201, child.body)
    assertError(
      await api().call('POST', '/v3/regions', { body: { region: { id: 'RegionOne' } } }),
      409,
      'Conflict occurred attempting to store region - Duplicate ID, RegionOne.',
    )
    assertError(
      await api().call('PUT', '/v3/regions/A', { body: { region: { id: 'B' } } }),
      400,
      'Conflicting region IDs specified: "A" != "B"',
    )
    assertError(
      await api().call('POST', '/v3/regions', { body: { region: { parent_region_id: 'nope' } } }),
      404,
      'Could not find region: nope.',
    )
    assertError(
      await api().call('PATCH', '/v3/regions/RegionOne', {
        body: { region: { parent_region_id: 'Child' } },
      }),
      400,
      'The specified parent region Child would create a circular region hierarchy.',
    )
    const kids = await api().call('GET', '/v3/regions?parent_region_id=RegionOne')
    assert.deepEqual(
      kids.json.regions.map((r: { id: string }) => r.id),
      ['Child'],
    )
    assert.equal((await api().call('DELETE', '/v3/regions/RegionOne')).status, 204)
    assertError(await api().call('GET', '/v3/regions/Child'), 404)
  })

  test('endpoints: interface/url/enabled validation, legacy region auto-created, 400 for refs', async () => {
    await api().seed()
    const svc = (
      await api().call('POST', '/v3/services', { body: { service: { type: 'identity' } } })
    ).json.service.id
    const body = (extra: Record<string, unknown>) => ({
      endpoint: { service_id: svc, interface: 'public', url: 'http://ks:5000/v3', ...extra },
    })
    const res = await api().call('POST', '/v3/endpoints', { body: body({ region: 'RegionTwo' }) })
    assert.equal(res.status, 201, res.body)
    const ep = res.json.endpoint
    assert.deepEqual(ep, {
      id: ep.id,
      interface: 'public',
      region_id: 'RegionTwo',
      service_id: svc,
      url: 'http://ks:5000/v3',
      enabled: true,
      region: 'RegionTwo',
      links: { self: `http://ks.example:5000/v3/endpoints/${ep.id}` },
    })
    assert.equal((await api().call('GET', '/v3/regions/RegionTwo')).status, 200)
    assertError(
      await api().call('POST', '/v3/endpoints', { body: body({ enabled: 'False' }) }),
      400,
      "Invalid input for field 'enabled': 'False' is not of type 'boolean'",
    )
    assertError(
      await api().call('POST', '/v3/endpoints', { body: body({ interface: 'private' }) }),
      400,
      "Invalid input for field 'interface': 'private' is not one of ['admin', 'internal', 'public']",
    )
    assertError(
      await api().call('POST', '/v3/endpoints', { body: body({ url: 'nourl' }) }),
      400,
      "Invalid input for field 'url': 'nourl' does not match '^[a-zA-Z0-9+.-]+:.+'",
    )
    assertError(
      await api().call('POST', '/v3/endpoints', { body: body({ url: 'http://x/%(foo)s' }) }),
      400,
      'Cannot create an endpoint with an invalid URL: http://x/%(foo)s.',
    )
    assertError(
      await api().call('POST', '/v3/endpoints', { body: body({ service_id: 'nope' }) }),
      400,
      /^Expecting to find endpoint service_id in service table\./,
    )
    assertError(
      await api().call('POST', '/v3/endpoints', { body: body({ region_id: 'nope' }) }),
      400,
      /^Expecting to find endpoint region_id in region table\./,
    )
    // a failed create leaves no auto-created region behind
    assertError(
      await api().call('POST', '/v3/endpoints', {
        body: body({ region: 'Ghost', service_id: 'nope' }),
      }),
      400,
    )
    assertError(await api().call('GET', '/v3/regions/Ghost'), 404)
    assert.equal(
      (await api().call('GET', `/v3/endpoints?interface=public&service_id=${svc}`)).json.endpoints
        .length,
      1,
    )
    const upd = await api().call('PATCH', `/v3/endpoints/${ep.id}`, {
      body: { endpoint: { enabled: false } },
    })
    assert.equal(upd.json.endpoint.enabled, false)
    assertError(
      await api().call('DELETE', '/v3/regions/RegionTwo'),
      403,
      'Unable to delete region RegionTwo because it or its child regions have associated endpoints.',
    )
    assertError(
      await api().call('GET', '/v3/endpoints/nope', { token: 'member' }),
      404,
      'Could not find endpoint: nope.',
    )
    assert.equal((await api().call('DELETE', `/v3/services/${svc}`)).status, 204)
    assertError(await api().call('GET', `/v3/endpoints/${ep.id}`), 404)
  })

  test('endpoint URL substitutions are checked as Python %-formatting would', () => {
    for (const ok of [
      'http://x/v3',
      'http://x/$(project_id)s',
      'http://x/%(tenant_id)s',
      'http://x/%%',
      'http://x/%s/%(user_id)s',
    ]) {
      assert.doesNotThrow(() => checkEndpointUrl(ok), ok)
    }
    for (const bad of [
      'http://x/%',
      'http://x/%20',
      'http://x/%(project_id)',
      'http://x/%(project_id)d',
      'http://x/%(project_id)s/%s',
      'http://x/%d',
    ]) {
      assert.throws(() => checkEndpointUrl(bad), bad)
    }
  })
})
