import assert from 'node:assert/strict'
import { test } from 'node:test'
import { apiSuite, assertError } from './support.ts'

apiSuite('implied roles', (api) => {
  test('PUT 201 with the inference, GET 200, HEAD 204, list, role_inferences, DELETE', async () => {
    await api().seed()
    const role = async (name: string) =>
      (await api().call('POST', '/v3/roles', { body: { role: { name } } })).json.role.id as string
    const s = { roles: { member: await role('prior'), reader: await role('implied') } }
    const url = `/v3/roles/${s.roles.member}/implies/${s.roles.reader}`
    const link = (id: string) => `http://ks.example:5000/v3/roles/${id}`
    const put = await api().call('PUT', url)
    assert.equal(put.status, 201, put.body)
    assert.deepEqual(put.json, {
      role_inference: {
        prior_role: { id: s.roles.member, links: { self: link(s.roles.member) }, name: 'prior' },
        implies: { id: s.roles.reader, links: { self: link(s.roles.reader) }, name: 'implied' },
      },
      links: { self: `http://ks.example:5000/v3${url.slice(3)}` },
    })
    assert.deepEqual((await api().call('GET', url)).json, put.json)
    const head = await api().call('HEAD', url)
    assert.equal(head.status, 204)
    const list = await api().call('GET', `/v3/roles/${s.roles.member}/implies`)
    assert.deepEqual(
      list.json.role_inference.implies.map((r: { name: string }) => r.name),
      ['implied'],
    )
    const all = await api().call('GET', '/v3/role_inferences')
    assert.deepEqual(Object.keys(all.json), ['role_inferences'])
    const rules = all.json.role_inferences.map(
      (i: { prior_role: { name: string }; implies: { name: string }[] }) =>
        `${i.prior_role.name}=>${i.implies.map((r) => r.name).join(',')}`,
    )
    assert.deepEqual(rules.sort(), ['admin=>member', 'member=>reader', 'prior=>implied'])
    assertError(
      await api().call('PUT', url),
      409,
      'Conflict occurred attempting to store implied_role - Duplicate entry.',
    )
    assert.equal((await api().call('DELETE', url)).status, 204)
    assertError(
      await api().call('GET', url),
      404,
      `${s.roles.member} does not imply ${s.roles.reader}.`,
    )
    assertError(await api().call('HEAD', url), 404)
  })

  test('admin cannot be implied; a global role cannot imply a domain role; unknown roles 404', async () => {
    const s = await api().seed()
    assertError(
      await api().call('PUT', `/v3/roles/${s.roles.member}/implies/${s.roles.admin}`),
      403,
      `${s.roles.admin} cannot be an implied roles.`,
    )
    const dr = (
      await api().call('POST', '/v3/roles', {
        body: { role: { name: 'dr', domain_id: 'default' } },
      })
    ).json.role.id
    assertError(
      await api().call('PUT', `/v3/roles/${s.roles.member}/implies/${dr}`),
      403,
      `${dr} cannot be an implied roles.`,
    )
    assert.equal((await api().call('PUT', `/v3/roles/${dr}/implies/${s.roles.member}`)).status, 201)
    assertError(
      await api().call('PUT', `/v3/roles/nope/implies/${s.roles.member}`, { token: 'member' }),
      404,
      'Could not find role: nope.',
    )
  })
})
