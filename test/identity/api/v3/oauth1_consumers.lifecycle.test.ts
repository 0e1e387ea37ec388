import assert from 'node:assert/strict'
import { test } from 'node:test'
import { apiSuite, assertError } from './support.ts'

const BASE = 'http://ks.example:5000/v3/OS-OAUTH1/consumers'

apiSuite('OS-OAUTH1 consumers', (api) => {
  test('create shows the secret once; list, get, patch never show it', async () => {
    await api().seed()
    const res = await api().call('POST', '/v3/OS-OAUTH1/consumers', {
      body: { consumer: { description: 'ci', 'os-x': 'y', id: 'mine', secret: 'mine' } },
    })
    assert.equal(res.status, 201, res.body)
    const consumer = res.json.consumer
    assert.match(consumer.id, /^[0-9a-f]{32}$/)
    assert.match(consumer.secret, /^[0-9a-f]{32}$/)
    assert.notEqual(consumer.secret, consumer.id)
    assert.deepEqual(consumer, {
      os_x: 'y',
      id: consumer.id,
      description: 'ci',
      secret: consumer.secret,
      links: { self: `${BASE}/${consumer.id}` },
    })
    const bare = await api().call('POST', '/v3/OS-OAUTH1/consumers', { body: {} })
    assert.equal(bare.status, 201, bare.body)
    assert.equal(bare.json.consumer.description, null)

    const list = await api().call('GET', '/v3/OS-OAUTH1/consumers', { token: 'system-reader' })
    assert.equal(list.status, 200, list.body)
    assert.equal(list.json.links.self, BASE)
    const listed = list.json.consumers.find((c: { id: string }) => c.id === consumer.id)
    assert.deepEqual(listed, {
      os_x: 'y',
      id: consumer.id,
      description: 'ci',
      links: { self: `${BASE}/${consumer.id}` },
    })
    assert.equal(list.json.consumers.length, 2)

    const shown = await api().call('GET', `/v3/OS-OAUTH1/consumers/${consumer.id}`)
    assert.equal(shown.status, 200, shown.body)
    assert.equal(shown.json.consumer.secret, undefined)

    const patched = await api().call('PATCH', `/v3/OS-OAUTH1/consumers/${consumer.id}`, {
      body: { consumer: { description: 'new', note: 'n', id: consumer.id } },
    })
    assert.equal(patched.status, 200, patched.body)
    assert.deepEqual(patched.json.consumer, {
      os_x: 'y',
      note: 'n',
      id: consumer.id,
      description: 'new',
      links: { self: `${BASE}/${consumer.id}` },
    })
    const cleared = await api().call('PATCH', `/v3/OS-OAUTH1/consumers/${consumer.id}`, {
      body: { consumer: { description: null } },
    })
    assert.equal(cleared.json.consumer.description, null)
    assert.equal(cleared.json.consumer.note, 'n')
  })

  test("PATCH refuses the secret, an empty body, another id, a long description (Keystone's messages)", async () => {
    await api().seed()
    const id = (await api().call('POST', '/v3/OS-OAUTH1/consumers', { body: { consumer: {} } }))
      .json.consumer.id
    const path = `/v3/OS-OAUTH1/consumers/${id}`
    const patch = (consumer: unknown) => api().call('PATCH', path, { body: { consumer } })
    assertError(
      await patch({ secret: 'x' }),
      400,
      "{'secret': 'x'} should not be valid under {'required': ['secret']}",
    )
    assertError(await patch({}), 400, '{} does not have enough properties')
    assertError(
      await patch({ description: 1 }),
      400,
      "Invalid input for field 'description': 1 is not of type 'string', 'null'",
    )
    assertError(await patch({ id: 'other' }), 400, 'Cannot change ID')
    assertError(await patch({ description: 'x'.repeat(65) }), 400)
    assertError(await patch([]), 400, "[] is not of type 'object'")
    const after = await api().call('GET', path)
    assert.equal(after.json.consumer.description, null)
    assertError(
      await api().call('PATCH', '/v3/OS-OAUTH1/consumers/nope', {
        body: { consumer: { description: 'd' } },
      }),
      404,
      'Consumer not found',
    )
  })

  test('policies: readers read, only admins write; delete records the consumer revocation event', async () => {
    await api().seed()
    assertError(
      await api().call('POST', '/v3/OS-OAUTH1/consumers', {
        token: 'system-reader',
        body: { consumer: {} },
      }),
      403,
    )
    assertError(await api().call('GET', '/v3/OS-OAUTH1/consumers', { token: 'member' }), 403)
    const id = (await api().call('POST', '/v3/OS-OAUTH1/consumers', { body: { consumer: {} } }))
      .json.consumer.id
    assertError(
      await api().call('DELETE', `/v3/OS-OAUTH1/consumers/${id}`, { token: 'system-reader' }),
      403,
    )
    assert.equal((await api().call('DELETE', `/v3/OS-OAUTH1/consumers/${id}`)).status, 204)
    assertError(await api().call('GET', `/v3/OS-OAUTH1/consumers/${id}`), 404, 'Consumer not found')
    assertError(await api().call('DELETE', `/v3/OS-OAUTH1/consumers/${id}`), 404)
    const events = await api().call('GET', '/v3/OS-REVOKE/events')
    assert.deepEqual(
      events.json.events.map((e: Record<string, string>) => e['OS-OAUTH1:consumer_id']),
      [id],
    )
  })
})
