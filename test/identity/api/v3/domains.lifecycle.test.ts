import assert from 'node:assert/strict'
import { test } from 'node:test'
import { apiSuite, assertError, rowCount } from './support.ts'

apiSuite('/v3/domains', (api) => {
  test('create with explicit_domain_id (kept as an extra), list, get, 409 on duplicates', async () => {
    await api().seed()
    const id = 'a'.repeat(32)
    const res = await api().call('POST', '/v3/domains', {
      body: { domain: { name: 'D1', explicit_domain_id: id, tags: ['t'] } },
    })
    assert.equal(res.status, 201, res.body)
    assert.deepEqual(res.json.domain, {
      explicit_domain_id: id,
      id,
      name: 'D1',
      description: '',
      enabled: true,
      tags: ['t'],
      options: {},
      links: { self: `http://ks.example:5000/v3/domains/${id}` },
    })
    assertError(
      await api().call('POST', '/v3/domains', { body: { domain: { name: 'D1' } } }),
      409,
      'Conflict occurred attempting to store project - it is not permitted to have two projects acting as domains with the same name: D1.',
    )
    assertError(
      await api().call('POST', '/v3/domains', {
        body: { domain: { name: 'D2', explicit_domain_id: 'not-a-uuid' } },
      }),
      400,
      'Domain ID does not conform to required UUID format.',
    )
    const list = await api().call('GET', '/v3/domains?enabled=true')
    assert.deepEqual(list.json.domains.map((d: { name: string }) => d.name).sort(), [
      'D1',
      'Default',
    ])
    assert.equal((await api().call('GET', `/v3/domains/${id}`)).json.domain.name, 'D1')
  })

  test('an enabled domain cannot be deleted; disabled, it goes with its contents and events', async () => {
    await api().seed()
    const d = (await api().call('POST', '/v3/domains', { body: { domain: { name: 'tmp' } } })).json
      .domain.id
    const p = await api().call('POST', '/v3/projects', {
      body: { project: { name: 'p', domain_id: d } },
    })
    const u = await api().call('POST', '/v3/users', { body: { user: { name: 'u', domain_id: d } } })
    assertError(
      await api().call('DELETE', `/v3/domains/${d}`),
      403,
      'Cannot delete a domain that is enabled, please disable it first.',
    )
    const off = await api().call('PATCH', `/v3/domains/${d}`, {
      body: { domain: { enabled: false } },
    })
    assert.equal(off.json.domain.enabled, false)
    assert.equal((await api().call('DELETE', `/v3/domains/${d}`)).status, 204)
    assertError(await api().call('GET', `/v3/domains/${d}`), 404, `Could not find domain: ${d}.`)
    assert.equal(await rowCount(api().env.database, 'project', 'domain_id', d), 0)
    const events = await api().store.revocation.listSince()
    assert.deepEqual(
      events.map((e) => [e.projectId, e.userId]),
      [
        [p.json.project.id, null],
        [null, u.json.user.id],
        [d, null],
      ],
    )
  })

  test('unknown domain: PATCH/DELETE 404 before policy, GET 403 for a member', async () => {
    await api().seed()
    assertError(
      await api().call('PATCH', '/v3/domains/nope', {
        token: 'member',
        body: { domain: { name: 'x' } },
      }),
      404,
    )
    assertError(await api().call('DELETE', '/v3/domains/nope', { token: 'member' }), 404)
    assertError(await api().call('GET', '/v3/domains/nope', { token: 'member' }), 403)
    assert.equal((await api().call('GET', '/v3/domains/default', { token: 'member' })).status, 200)
  })
})
