import assert from 'node:assert/strict'
import { test } from 'node:test'
import { apiSuite } from './support.ts'

apiSuite(
  'list_limit truncation',
  (api) => {
    test('a collection longer than its area list_limit is cut and says truncated', async () => {
      await api().seed()
      for (const type of ['a', 'b', 'c']) {
        await api().call('POST', '/v3/services', { body: { service: { type } } })
        await api().call('POST', '/v3/policies', { body: { policy: { blob: 'x', type } } })
      }
      // [catalog] list_limit = 2
      const services = await api().call('GET', '/v3/services')
      assert.equal(services.json.services.length, 2)
      assert.equal(services.json.truncated, true)
      assert.deepEqual(Object.keys(services.json), ['services', 'links', 'truncated'])
      // a filter applies before the limit
      const one = await api().call('GET', '/v3/services?type=a')
      assert.equal(one.json.services.length, 1)
      assert.equal(one.json.truncated, undefined)
      // [DEFAULT] list_limit = 1 where the area has none
      const roles = await api().call('GET', '/v3/roles')
      assert.equal(roles.json.roles.length, 1)
      assert.equal(roles.json.truncated, true)
      // [policy] list_limit = 5: three fit
      const policies = await api().call('GET', '/v3/policies')
      assert.equal(policies.json.policies.length, 3)
      assert.equal(policies.json.truncated, undefined)
      // Keystone leaves role assignments whole
      const assignments = await api().call('GET', '/v3/role_assignments')
      assert.ok(assignments.json.role_assignments.length > 1)
      assert.equal(assignments.json.truncated, undefined)
    })
  },
  { DEFAULT: { list_limit: '1' }, catalog: { list_limit: '2' }, policy: { list_limit: '5' } },
)
