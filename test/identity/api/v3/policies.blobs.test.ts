import assert from 'node:assert/strict'
import { test } from 'node:test'
import { apiSuite, assertError } from './support.ts'

apiSuite('OS-POLICY blobs', (api) => {
  test('create, list by type, show, patch (extras kept), delete', async () => {
    await api().seed()
    const res = await api().call('POST', '/v3/policies', {
      body: { policy: { blob: '{"a": 1}', type: 'application/json', 'os-x': 'y', id: 'ignored' } },
    })
    assert.equal(res.status, 201, res.body)
    const policy = res.json.policy
    assert.match(policy.id, /^[0-9a-f]{32}$/)
    assert.deepEqual(policy, {
      os_x: 'y',
      id: policy.id,
      blob: '{"a": 1}',
      type: 'application/json',
      links: { self: `http://ks.example:5000/v3/policies/${policy.id}` },
    })
    await api().call('POST', '/v3/policies', {
      body: { policy: { blob: 'b', type: 'text/plain' } },
    })
    const byType = await api().call('GET', '/v3/policies?type=application/json')
    assert.deepEqual(
      byType.json.policies.map((p: { id: string }) => p.id),
      [policy.id],
    )
    const patched = await api().call('PATCH', `/v3/policies/${policy.id}`, {
      body: { policy: { type: 'text/yaml', note: 'n' } },
    })
    assert.equal(patched.status, 200, patched.body)
    assert.equal(patched.json.policy.type, 'text/yaml')
    assert.equal(patched.json.policy.blob, '{"a": 1}')
    assert.equal(patched.json.policy.os_x, 'y')
    assert.equal(patched.json.policy.note, 'n')
    const shown = await api().call('GET', `/v3/policies/${policy.id}`, { token: 'system-reader' })
    assert.equal(shown.json.policy.type, 'text/yaml')
    assertError(await api().call('GET', '/v3/policies', { token: 'member' }), 403)
    assert.equal((await api().call('DELETE', `/v3/policies/${policy.id}`)).status, 204)
    assertError(
      await api().call('GET', `/v3/policies/${policy.id}`),
      404,
      `Could not find policy: ${policy.id}.`,
    )
  })
})
