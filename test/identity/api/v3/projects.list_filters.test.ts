import assert from 'node:assert/strict'
import { test } from 'node:test'
import { type Api, apiSuite } from './support.ts'

async function make(api: Api, name: string, extra: Record<string, unknown> = {}) {
  const res = await api.call('POST', '/v3/projects', { body: { project: { name, ...extra } } })
  assert.equal(res.status, 201, res.body)
  return res.json.project.id as string
}

const names = (res: { json: { projects: { name: string }[] } }) =>
  res.json.projects.map((p) => p.name).sort()

apiSuite('GET /v3/projects filters', (api) => {
  test('collection envelope: links.self echoes the query, next/previous null', async () => {
    await api().seed()
    const res = await api().call('GET', '/v3/projects?name=admin&foo=bar')
    assert.equal(res.status, 200)
    assert.deepEqual(res.json.links, {
      next: null,
      self: 'http://ks.example:5000/v3/projects?name=admin&foo=bar',
      previous: null,
    })
    assert.deepEqual(names(res), ['admin'])
    assert.equal(
      res.json.projects[0].links.self.startsWith('http://ks.example:5000/v3/projects/'),
      true,
    )
  })

  test('exact and inexact name filters, case-insensitive variants', async () => {
    await api().seed()
    await make(api(), 'Alpha')
    await make(api(), 'alphabet')
    await make(api(), 'beta')
    assert.deepEqual(names(await api().call('GET', '/v3/projects?name__contains=lph')), [
      'Alpha',
      'alphabet',
    ])
    assert.deepEqual(names(await api().call('GET', '/v3/projects?name__startswith=alp')), [
      'alphabet',
    ])
    assert.deepEqual(names(await api().call('GET', '/v3/projects?name__istartswith=ALP')), [
      'Alpha',
      'alphabet',
    ])
    assert.deepEqual(names(await api().call('GET', '/v3/projects?name__endswith=ta')), ['beta'])
    assert.deepEqual(names(await api().call('GET', '/v3/projects?name__iendswith=BET')), [
      'alphabet',
    ])
    // repeated filters must all match; unknown comparators are ignored as in Keystone
    assert.deepEqual(names(await api().call('GET', '/v3/projects?name=beta&name=Alpha')), [])
    assert.equal((await api().call('GET', '/v3/projects?name__foo=zzz')).json.projects.length, 4)
  })

  test('enabled is decoded with bool_from_string; is_domain defaults to false', async () => {
    const s = await api().seed()
    await make(api(), 'off', { enabled: false })
    for (const value of ['false', 'False', '0', 'no', 'off']) {
      assert.deepEqual(names(await api().call('GET', `/v3/projects?enabled=${value}`)), ['off'])
    }
    for (const value of ['true', '1', 'yes', 'anything', '']) {
      assert.deepEqual(names(await api().call('GET', `/v3/projects?enabled=${value}`)), ['admin'])
    }
    assert.deepEqual(names(await api().call('GET', '/v3/projects?is_domain=true')), ['Default'])
    assert.deepEqual(
      names(
        await api().call('GET', `/v3/projects?domain_id=${s.domainId}&parent_id=${s.domainId}`),
      ),
      ['admin', 'off'],
    )
  })

  test('tag filters follow Keystone (all-of, any-of, not-all-of, none-of)', async () => {
    await api().seed()
    await make(api(), 'ab', { tags: ['a', 'b'] })
    await make(api(), 'a', { tags: ['a'] })
    await make(api(), 'c', { tags: ['c'] })
    assert.deepEqual(names(await api().call('GET', '/v3/projects?tags=a,b')), ['ab'])
    assert.deepEqual(names(await api().call('GET', '/v3/projects?tags-any=a,c')), ['a', 'ab', 'c'])
    assert.deepEqual(names(await api().call('GET', '/v3/projects?not-tags=a,b')), [
      'a',
      'admin',
      'c',
    ])
    assert.deepEqual(names(await api().call('GET', '/v3/projects?not-tags-any=a,c')), ['admin'])
    assert.deepEqual(names(await api().call('GET', '/v3/projects?tags=a&tags-any=b,c')), ['ab'])
    assert.deepEqual(names(await api().call('GET', '/v3/projects?tags=zzz')), [])
  })

  test('a member is refused the list (403), a system reader may read it', async () => {
    await api().seed()
    assert.equal((await api().call('GET', '/v3/projects', { token: 'member' })).status, 403)
    assert.equal((await api().call('GET', '/v3/projects', { token: 'system-reader' })).status, 200)
  })
})
