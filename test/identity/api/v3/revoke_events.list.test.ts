import assert from 'node:assert/strict'
import { test } from 'node:test'
import { apiSuite, assertError } from './support.ts'

apiSuite('GET /v3/OS-REVOKE/events', (api) => {
  test('lists events in Keystone form, filtered by ?since', async () => {
    const s = await api().seed()
    await api().call('PATCH', `/v3/users/${s.memberId}`, { body: { user: { enabled: false } } })
    api().env.clock.advance(5000)
    await api().call('DELETE', `/v3/projects/${s.projectId}`)
    const res = await api().call('GET', '/v3/OS-REVOKE/events')
    assert.equal(res.status, 200, res.body)
    assert.deepEqual(res.json, {
      events: [
        {
          user_id: s.memberId,
          issued_before: '2030-01-01T00:00:00.000000Z',
          revoked_at: '2030-01-01T00:00:00.000000Z',
        },
        {
          project_id: s.projectId,
          issued_before: '2030-01-01T00:00:05.000000Z',
          revoked_at: '2030-01-01T00:00:05.000000Z',
        },
      ],
      links: { next: null, self: 'http://ks.example:5000/v3/OS-REVOKE/events', previous: null },
    })
    const since = await api().call('GET', '/v3/OS-REVOKE/events?since=2030-01-01T00:00:01Z')
    assert.deepEqual(
      since.json.events.map((e: { project_id?: string }) => e.project_id),
      [s.projectId],
    )
    assertError(
      await api().call('GET', '/v3/OS-REVOKE/events?since=yesterday'),
      400,
      'invalidate date format yesterday',
    )
    assertError(await api().call('GET', '/v3/OS-REVOKE/events', { token: 'member' }), 403)
  })
})
