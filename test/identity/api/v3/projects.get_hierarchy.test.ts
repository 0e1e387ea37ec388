import assert from 'node:assert/strict'
import { test } from 'node:test'
import { type Api, apiSuite, assertError } from './support.ts'

async function tree(api: Api) {
  const s = await api.seed()
  const create = async (name: string, parent?: string) =>
    (
      await api.call('POST', '/v3/projects', {
        body: { project: { name, ...(parent ? { parent_id: parent } : {}) } },
      })
    ).json.project.id as string
  const a = await create('A')
  const b = await create('B', a)
  const c = await create('C', b)
  const d = await create('D', b)
  return { s, a, b, c, d }
}

apiSuite('GET /v3/projects/{id} hierarchy views', (api) => {
  test('parents_as_ids and subtree_as_ids are nested id maps (the domain included)', async () => {
    const { s, a, b, c, d } = await tree(api())
    const parents = await api().call('GET', `/v3/projects/${c}?parents_as_ids`)
    assert.deepEqual(parents.json.project.parents, { [b]: { [a]: { [s.domainId]: null } } })
    const subtree = await api().call('GET', `/v3/projects/${a}?subtree_as_ids`)
    assert.deepEqual(subtree.json.project.subtree, { [b]: { [c]: null, [d]: null } })
    const leaf = await api().call('GET', `/v3/projects/${d}?subtree_as_ids=1`)
    assert.equal(leaf.json.project.subtree, null)
    const off = await api().call('GET', `/v3/projects/${d}?subtree_as_ids=0`)
    assert.equal('subtree' in off.json.project, false)
  })

  test('the _as_list views list only projects the caller has a role on, wrapped', async () => {
    const { s, a, b, c } = await tree(api())
    await api().store.assignment.grant({
      roleId: s.roles.member,
      actor: { type: 'user', id: s.adminId },
      target: { type: 'project', id: a },
    })
    const res = await api().call('GET', `/v3/projects/${c}?parents_as_list&include_limits`)
    assert.equal(res.status, 200, res.body)
    const parents = res.json.project.parents as { project: { id: string; limits: unknown[] } }[]
    assert.deepEqual(
      parents.map((p) => p.project.id),
      [a],
    )
    assert.deepEqual(parents[0]?.project.limits, [])
    const sub = await api().call('GET', `/v3/projects/${a}?subtree_as_list`)
    assert.deepEqual(sub.json.project.subtree, [])
    assert.ok(b)
  })

  test('both views of one kind at once is a 400; unknown project is 404', async () => {
    const { a } = await tree(api())
    assertError(
      await api().call('GET', `/v3/projects/${a}?parents_as_list&parents_as_ids`),
      400,
      'Cannot use parents_as_list and parents_as_ids query params at the same time.',
    )
    assertError(
      await api().call('GET', `/v3/projects/${a}?subtree_as_list&subtree_as_ids`),
      400,
      'Cannot use subtree_as_list and subtree_as_ids query params at the same time.',
    )
    assertError(await api().call('GET', '/v3/projects/nope'), 404, 'Could not find project: nope.')
    const head = await api().call('HEAD', `/v3/projects/${a}`)
    assert.equal(head.status, 200)
    assert.equal(head.body, '')
  })

  test('a member may get its own project but not another', async () => {
    const { s, a } = await tree(api())
    assert.equal(
      (await api().call('GET', `/v3/projects/${s.projectId}`, { token: 'member' })).status,
      200,
    )
    assertError(
      await api().call('GET', `/v3/projects/${a}`, { token: 'member' }),
      403,
      'You are not authorized to perform the requested action: identity:get_project.',
    )
  })
})
