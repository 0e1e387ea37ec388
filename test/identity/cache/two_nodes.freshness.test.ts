import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { DIALECTS } from '../store/store.fixtures.ts'
import { startTwoNodes, type TwoNodes } from './two_nodes.ts'

const T0 = Date.UTC(2030, 0, 1)

for (const [dialect, skip] of DIALECTS) {
  describe(`a write through one node is seen at once by another [${dialect}]`, {
    skip,
  }, () => {
    let nodes: TwoNodes
    let memberRole: string
    let n = 0
    before(async () => {
      nodes = await startTwoNodes(dialect, { now: () => T0 })
      const roles = await nodes.call(nodes.a, 'GET', '/v3/roles?name=member', undefined, admin())
      memberRole = (roles.body.roles as { id: string }[])[0]?.id ?? ''
      assert.ok(memberRole)
    })
    after(() => nodes.close())

    const admin = () => ({ 'x-auth-token': nodes.adminToken })

    /** A fresh project and member user (created through node A) and a token for them. */
    async function world() {
      n++
      const project = await nodes.call(
        nodes.a,
        'POST',
        '/v3/projects',
        {
          project: { name: `p${n}`, domain_id: 'default' },
        },
        admin(),
      )
      const projectId = (project.body.project as { id: string }).id
      const user = await nodes.call(
        nodes.a,
        'POST',
        '/v3/users',
        {
          user: { name: `u${n}`, password: 'pw-one', domain_id: 'default' },
        },
        admin(),
      )
      const userId = (user.body.user as { id: string }).id
      const grant = `/v3/projects/${projectId}/users/${userId}/roles/${memberRole}`
      assert.equal((await nodes.call(nodes.a, 'PUT', grant, undefined, admin())).status, 204)
      const token = await nodes.login(`u${n}`, 'pw-one', projectId)
      // B validates twice, so the second answer (and the next) can come from its cache
      for (let i = 0; i < 2; i++) assert.equal((await validateOnB(token)).status, 200)
      return { projectId, userId, grant, token }
    }

    const validateOnB = (token: string) =>
      nodes.call(nodes.b, 'GET', '/v3/auth/tokens', undefined, {
        ...admin(),
        'x-subject-token': token,
      })

    test('a role revoked (no revocation event is written)', async () => {
      const w = await world()
      assert.equal((await nodes.call(nodes.a, 'DELETE', w.grant, undefined, admin())).status, 204)
      assert.equal((await validateOnB(w.token)).status, 404)
    })

    test('a user disabled', async () => {
      const w = await world()
      const body = { user: { enabled: false } }
      const res = await nodes.call(nodes.a, 'PATCH', `/v3/users/${w.userId}`, body, admin())
      assert.equal(res.status, 200)
      assert.equal((await validateOnB(w.token)).status, 404)
    })

    test('a project disabled', async () => {
      const w = await world()
      const body = { project: { enabled: false } }
      const res = await nodes.call(nodes.a, 'PATCH', `/v3/projects/${w.projectId}`, body, admin())
      assert.equal(res.status, 200)
      assert.equal((await validateOnB(w.token)).status, 404)
    })

    test('a password changed', async () => {
      const w = await world()
      const body = { user: { password: 'pw-two' } }
      const res = await nodes.call(nodes.a, 'PATCH', `/v3/users/${w.userId}`, body, admin())
      assert.equal(res.status, 200)
      assert.equal((await validateOnB(w.token)).status, 404)
    })

    test('a token revoked', async () => {
      const w = await world()
      const res = await nodes.call(nodes.a, 'DELETE', '/v3/auth/tokens', undefined, {
        ...admin(),
        'x-subject-token': w.token,
      })
      assert.equal(res.status, 204)
      assert.equal((await validateOnB(w.token)).status, 404)
    })

    test('an endpoint changed: the catalog in the token follows', async () => {
      const w = await world()
      const listed = await nodes.call(nodes.a, 'GET', '/v3/endpoints', undefined, admin())
      const endpoint = (listed.body.endpoints as { id: string }[])[0]
      assert.ok(endpoint)
      const url = `http://moved-${dialect}.example/v3/`
      const res = await nodes.call(
        nodes.a,
        'PATCH',
        `/v3/endpoints/${endpoint.id}`,
        {
          endpoint: { url },
        },
        admin(),
      )
      assert.equal(res.status, 200)
      const body = JSON.stringify((await validateOnB(w.token)).body)
      assert.ok(body.includes(url), 'node B still renders the old catalog')
      const catalog = await nodes.call(nodes.b, 'GET', '/v3/auth/catalog', undefined, {
        'x-auth-token': w.token,
      })
      assert.ok(JSON.stringify(catalog.body).includes(url))
    })

    /** Rescope `token` on node B to a project named `name` in the default domain. */
    const rescopeOnB = (token: string, name: string) =>
      nodes.call(nodes.b, 'POST', '/v3/auth/tokens', {
        auth: {
          identity: { methods: ['token'], token: { id: token } },
          scope: { project: { name, domain: { id: 'default' } } },
        },
      })

    test('a project renamed: rescoping by name follows at once', async () => {
      const w = await world()
      const name = `p${n}`
      for (let i = 0; i < 2; i++) assert.equal((await rescopeOnB(w.token, name)).status, 201)
      const body = { project: { name: `${name}-renamed` } }
      const res = await nodes.call(nodes.a, 'PATCH', `/v3/projects/${w.projectId}`, body, admin())
      assert.equal(res.status, 200)
      assert.equal((await rescopeOnB(w.token, name)).status, 401)
      const renamed = await rescopeOnB(w.token, `${name}-renamed`)
      assert.equal(renamed.status, 201)
      const project = (renamed.body.token as { project: { name: string } }).project
      assert.equal(project.name, `${name}-renamed`)
    })

    test('a project disabled: rescoping to it is refused at once', async () => {
      const w = await world()
      assert.equal((await rescopeOnB(w.token, `p${n}`)).status, 201)
      const body = { project: { enabled: false } }
      const res = await nodes.call(nodes.a, 'PATCH', `/v3/projects/${w.projectId}`, body, admin())
      assert.equal(res.status, 200)
      assert.equal((await rescopeOnB(w.token, `p${n}`)).status, 401)
    })

    test('a role granted back makes the token valid again', async () => {
      const w = await world()
      await nodes.call(nodes.a, 'DELETE', w.grant, undefined, admin())
      assert.equal((await validateOnB(w.token)).status, 404)
      await nodes.call(nodes.a, 'PUT', w.grant, undefined, admin())
      assert.equal((await validateOnB(w.token)).status, 200)
    })
  })
}
