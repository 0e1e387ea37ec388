import assert from 'node:assert/strict'
import { test } from 'node:test'
import { type Api, apiSuite, assertError } from './support.ts'

async function project(api: Api, body: Record<string, unknown>) {
  const res = await api.call('POST', '/v3/projects', { body: { project: body } })
  assert.equal(res.status, 201, res.body)
  return res.json.project.id as string
}

apiSuite('PATCH and DELETE /v3/projects/{id}', (api) => {
  test('update merges extras and answers with the driver dict (extra included)', async () => {
    await api().seed()
    const id = await project(api(), { name: 'p', color: 'red' })
    const res = await api().call('PATCH', `/v3/projects/${id}`, {
      body: { project: { description: 'd', size: 3 } },
    })
    assert.equal(res.status, 200, res.body)
    assert.equal(res.json.project.description, 'd')
    assert.equal(res.json.project.color, 'red')
    assert.deepEqual(res.json.project.extra, { color: 'red', size: 3 })
    const get = await api().call('GET', `/v3/projects/${id}`)
    assert.equal(get.json.project.size, 3)
    assert.equal('extra' in get.json.project, false)
  })

  test('immutable fields: domain_id 400, parent_id 403, is_domain 400, id 400', async () => {
    const s = await api().seed()
    const a = await project(api(), { name: 'a' })
    const id = await project(api(), { name: 'b' })
    const patch = (body: unknown) =>
      api().call('PATCH', `/v3/projects/${id}`, { body: { project: body } })
    assertError(await patch({ domain_id: 'other' }), 400, 'Cannot change Domain ID')
    assertError(await patch({ parent_id: a }), 403, 'Update of `parent_id` is not allowed.')
    assertError(await patch({ is_domain: true }), 400, 'Update of `is_domain` is not allowed.')
    assertError(await patch({ id: 'x' }), 400, 'Cannot change ID')
    assertError(await patch({}), 400, '{} does not have enough properties')
    assert.equal((await patch({ domain_id: s.domainId, parent_id: s.domainId })).status, 200)
  })

  test('immutable projects refuse updates and deletes until the option is cleared', async () => {
    await api().seed()
    const id = await project(api(), { name: 'frozen', options: { immutable: true } })
    const msg = `Unable to update immutable project resource: \`${id}. Set resource option "immutable" to false first.`
    assertError(
      await api().call('PATCH', `/v3/projects/${id}`, { body: { project: { name: 'x' } } }),
      403,
      msg,
    )
    assertError(
      await api().call('DELETE', `/v3/projects/${id}`),
      403,
      `Unable to delete immutable project resource: \`${id}. Set resource option "immutable" to false first.`,
    )
    const thaw = await api().call('PATCH', `/v3/projects/${id}`, {
      body: { project: { options: { immutable: null } } },
    })
    assert.equal(thaw.status, 200, thaw.body)
    assert.deepEqual(thaw.json.project.options, {})
    assert.equal((await api().call('DELETE', `/v3/projects/${id}`)).status, 204)
  })

  test('disable needs a disabled subtree; non-leaf delete is 403', async () => {
    await api().seed()
    const parent = await project(api(), { name: 'parent' })
    const child = await project(api(), { name: 'child', parent_id: parent })
    assertError(
      await api().call('PATCH', `/v3/projects/${parent}`, {
        body: { project: { enabled: false } },
      }),
      403,
      `Cannot disable project ${parent} since its subtree contains enabled projects.`,
    )
    assertError(
      await api().call('DELETE', `/v3/projects/${parent}`),
      403,
      `Cannot delete the project ${parent} since it is not a leaf in the hierarchy. Use the cascade option if you want to delete a whole subtree.`,
    )
    assert.equal((await api().call('DELETE', `/v3/projects/${child}`)).status, 204)
    assert.equal((await api().call('DELETE', `/v3/projects/${parent}`)).status, 204)
    assertError(await api().call('DELETE', `/v3/projects/${parent}`), 404)
  })

  test('delete writes a project revocation event and unsets default_project_id', async () => {
    const s = await api().seed()
    const id = await project(api(), { name: 'gone' })
    const user = await api().call('POST', '/v3/users', {
      body: { user: { name: 'u', default_project_id: id } },
    })
    assert.equal(user.json.user.default_project_id, id)
    assert.equal((await api().call('DELETE', `/v3/projects/${id}`)).status, 204)
    const events = await api().store.revocation.listSince()
    assert.deepEqual(
      events.map((e) => e.projectId),
      [id],
    )
    const after = await api().call('GET', `/v3/users/${user.json.user.id}`)
    assert.equal('default_project_id' in after.json.user, false)
    assert.ok(s)
  })
})
