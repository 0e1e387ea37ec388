import assert from 'node:assert/strict'
import { test } from 'node:test'
import { apiSuite, assertError } from './support.ts'

apiSuite('POST /v3/projects', (api) => {
  test('defaults domain and parent, echoes extras, renders Keystone entity with links', async () => {
    const s = await api().seed()
    const res = await api().call('POST', '/v3/projects', {
      body: { project: { name: ' p1 ', email: 'x@example.com', 'x-attr': 1 } },
    })
    assert.equal(res.status, 201, res.body)
    const p = res.json.project
    assert.match(p.id, /^[0-9a-f]{32}$/)
    assert.deepEqual(
      { ...p, id: undefined },
      {
        id: undefined,
        name: 'p1',
        domain_id: s.domainId,
        parent_id: s.domainId,
        description: '',
        enabled: true,
        is_domain: false,
        tags: [],
        options: {},
        email: 'x@example.com',
        x_attr: 1,
        links: { self: `http://ks.example:5000/v3/projects/${p.id}` },
      },
    )
  })

  test('parent in the hierarchy, and Keystone 400s for unknown domain or parent', async () => {
    const s = await api().seed()
    const parent = await api().call('POST', '/v3/projects', { body: { project: { name: 'a' } } })
    const child = await api().call('POST', '/v3/projects', {
      body: { project: { name: 'b', parent_id: parent.json.project.id } },
    })
    assert.equal(child.status, 201)
    assert.equal(child.json.project.parent_id, parent.json.project.id)
    assert.equal(child.json.project.domain_id, s.domainId)
    assertError(
      await api().call('POST', '/v3/projects', {
        body: { project: { name: 'c', domain_id: 'nope' } },
      }),
      400,
      'Could not find domain: nope.',
    )
    assertError(
      await api().call('POST', '/v3/projects', {
        body: { project: { name: 'c', parent_id: 'nope' } },
      }),
      400,
      'Could not find project: nope.',
    )
  })

  test('duplicate name in a domain is 409 with Keystone message', async () => {
    await api().seed()
    await api().call('POST', '/v3/projects', { body: { project: { name: 'dup' } } })
    const res = await api().call('POST', '/v3/projects', { body: { project: { name: 'dup' } } })
    assertError(
      res,
      409,
      /^Conflict occurred attempting to store project - it is not permitted to have two projects with either the same name or same id in the same domain: name is dup, project id [0-9a-f]{32}\.$/,
    )
  })

  test('schema errors use jsonschema wording; policy runs before validation', async () => {
    await api().seed()
    assertError(
      await api().call('POST', '/v3/projects', { body: { project: { name: 'x'.repeat(65) } } }),
      400,
      `Invalid input for field 'name': '${'x'.repeat(65)}' is too long`,
    )
    assertError(
      await api().call('POST', '/v3/projects', {
        body: { project: { name: 'a', enabled: 'true' } },
      }),
      400,
      "Invalid input for field 'enabled': 'true' is not of type 'boolean'",
    )
    assertError(
      await api().call('POST', '/v3/projects', { body: {} }),
      400,
      "'name' is a required property",
    )
    assertError(
      await api().call('POST', '/v3/projects', { token: 'member', body: {} }),
      403,
      'You are not authorized to perform the requested action: identity:create_project.',
    )
    assertError(await api().call('POST', '/v3/projects', { token: null, body: {} }), 401)
  })

  test('is_domain creates a domain in project form', async () => {
    await api().seed()
    const res = await api().call('POST', '/v3/projects', {
      body: { project: { name: 'dom', is_domain: true } },
    })
    assert.equal(res.status, 201, res.body)
    assert.equal(res.json.project.is_domain, true)
    assert.equal(res.json.project.domain_id, null)
    assert.equal(res.json.project.parent_id, null)
    const domain = await api().call('GET', `/v3/domains/${res.json.project.id}`)
    assert.equal(domain.json.domain.name, 'dom')
  })

  test('max_project_tree_depth is enforced with a 403', async () => {
    await api().seed()
    let parent: string | undefined
    for (let depth = 1; depth <= 5; depth++) {
      const res = await api().call('POST', '/v3/projects', {
        body: { project: { name: `d${depth}`, ...(parent ? { parent_id: parent } : {}) } },
      })
      assert.equal(res.status, 201, res.body)
      parent = res.json.project.id
    }
    assertError(
      await api().call('POST', '/v3/projects', {
        body: { project: { name: 'd6', parent_id: parent } },
      }),
      403,
      `Max hierarchy depth reached for ${parent} branch.`,
    )
  })
})
