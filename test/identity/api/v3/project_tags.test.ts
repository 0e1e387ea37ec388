import assert from 'node:assert/strict'
import { test } from 'node:test'
import { apiSuite, assertError } from './support.ts'

apiSuite('project tags', (api) => {
  test('replace, list, add, check and delete tags with Keystone envelopes', async () => {
    const s = await api().seed()
    const base = `/v3/projects/${s.projectId}/tags`
    const put = await api().call('PUT', base, { body: { tags: [' a', 'b '] } })
    assert.equal(put.status, 200, put.body)
    assert.deepEqual(put.json, { links: { self: 'http://ks.example:5000/v3' }, tags: ['a', 'b'] })
    const add = await api().call('PUT', `${base}/c`)
    assert.equal(add.status, 201)
    assert.equal(add.body, '')
    assert.equal(add.headers.location, `http://ks.example:5000/v3/${s.projectId}/tags/c`)
    assert.deepEqual((await api().call('GET', base)).json.tags, ['a', 'b', 'c'])
    assert.equal((await api().call('GET', `${base}/c`)).status, 204)
    assert.equal((await api().call('HEAD', `${base}/c`)).status, 204)
    assertError(await api().call('GET', `${base}/zz`), 404, 'Could not find project tag: zz.')
    assert.equal((await api().call('DELETE', `${base}/c`)).status, 204)
    assertError(await api().call('DELETE', `${base}/c`), 404, 'Could not find project tag: c.')
    assert.equal((await api().call('DELETE', base)).status, 204)
    assert.deepEqual((await api().call('GET', base)).json.tags, [])
  })

  test('tag rules: no comma or slash, no duplicates, 80 at most', async () => {
    const s = await api().seed()
    const base = `/v3/projects/${s.projectId}/tags`
    assertError(await api().call('PUT', `${base}/a,b`), 400, "'a,b' does not match '^[^,/]*$'")
    await api().call('PUT', `${base}/x`)
    assertError(await api().call('PUT', `${base}/x`), 400, "['x', 'x'] has non-unique elements")
    const many = Array.from({ length: 81 }, (_, i) => `t${i}`)
    assertError(await api().call('PUT', base, { body: { tags: many } }), 400, /is too long$/)
    assertError(await api().call('PUT', base, { body: {} }), 400, "{} is not of type 'array'")
    assertError(
      await api().call('GET', '/v3/projects/nope/tags'),
      404,
      'Could not find project: nope.',
    )
  })

  test('an immutable project refuses tag changes', async () => {
    await api().seed()
    const p = await api().call('POST', '/v3/projects', {
      body: { project: { name: 'i', options: { immutable: true } } },
    })
    const id = p.json.project.id
    assertError(
      await api().call('PUT', `/v3/projects/${id}/tags/x`),
      403,
      `Cannot create project tags for ${id}, project is immutable. Set "immutable" option to false before creating project tags.`,
    )
    assertError(await api().call('PUT', `/v3/projects/${id}/tags`, { body: { tags: [] } }), 403)
  })
})

apiSuite('project tags with non-ASCII values', (api) => {
  test('the Location header is percent-encoded', async () => {
    const s = await api().seed()
    const res = await api().call(
      'PUT',
      `/v3/projects/${s.projectId}/tags/${encodeURIComponent('中 文')}`,
    )
    assert.equal(res.status, 201, res.body)
    assert.equal(
      res.headers.location,
      `http://ks.example:5000/v3/${s.projectId}/tags/${encodeURIComponent('中')}%20${encodeURIComponent('文')}`,
    )
    assert.deepEqual((await api().call('GET', `/v3/projects/${s.projectId}/tags`)).json.tags, [
      '中 文',
    ])
  })
})
