import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { DIALECTS } from '../store/store.fixtures.ts'
import { ADMIN_PASSWORD, startTwoNodes, type TwoNodes } from './two_nodes.ts'

const T0 = Date.UTC(2030, 0, 1)

for (const [dialect, skip] of DIALECTS) {
  describe(`cached validation answers exactly what uncached validation does [${dialect}]`, {
    skip,
  }, () => {
    let nodes: TwoNodes
    /** label -> token */
    const tokens = new Map<string, string>()
    before(async () => {
      nodes = await startTwoNodes(dialect, { now: () => T0 })
      const admin = { 'x-auth-token': nodes.adminToken }
      const call = (method: string, url: string, body?: unknown) =>
        nodes.call(nodes.a, method, url, body, admin)
      const roleId = async (name: string) => {
        const res = await call('GET', `/v3/roles?name=${name}`)
        const found = (res.body.roles as { id: string }[])[0]
        if (found) return found.id
        return ((await call('POST', '/v3/roles', { role: { name } })).body.role as { id: string })
          .id
      }
      const [adminRole, member, implied] = [
        await roleId('admin'),
        await roleId('member'),
        await roleId('implied_x'),
      ]
      assert.equal((await call('PUT', `/v3/roles/${member}/implies/${implied}`)).status, 201)
      const project = (
        (await call('POST', '/v3/projects', { project: { name: 'demo', domain_id: 'default' } }))
          .body.project as { id: string }
      ).id
      const user = (
        (
          await call('POST', '/v3/users', {
            user: { name: 'carol', password: 'pw-c', domain_id: 'default' },
          })
        ).body.user as { id: string }
      ).id
      const group = (
        (await call('POST', '/v3/groups', { group: { name: 'devs', domain_id: 'default' } })).body
          .group as { id: string }
      ).id
      await call('PUT', `/v3/groups/${group}/users/${user}`)
      await call('PUT', `/v3/projects/${project}/groups/${group}/roles/${member}`)
      await call('PUT', `/v3/domains/default/users/${user}/roles/${adminRole}`)
      const login = async (name: string, password: string, scope: unknown) => {
        const res = await nodes.call(nodes.a, 'POST', '/v3/auth/tokens', {
          auth: {
            identity: {
              methods: ['password'],
              password: { user: { name, domain: { id: 'default' }, password } },
            },
            ...(scope === undefined ? {} : { scope }),
          },
        })
        assert.equal(res.status, 201, JSON.stringify(res.body))
        return res.subjectToken ?? ''
      }
      tokens.set('admin project', nodes.adminToken)
      tokens.set('admin system', await login('admin', ADMIN_PASSWORD, { system: { all: true } }))
      tokens.set('admin unscoped', await login('admin', ADMIN_PASSWORD, undefined))
      tokens.set(
        'group + implied role on a project',
        await login('carol', 'pw-c', { project: { id: project } }),
      )
      tokens.set('domain', await login('carol', 'pw-c', { domain: { id: 'default' } }))
    })
    after(() => nodes.close())

    test('bodies match for every scope, issued here, on a miss and on a hit, with and without catalog', async () => {
      assert.equal(tokens.size, 5)
      for (const [label, token] of tokens) {
        for (const query of ['', '?nocatalog']) {
          const model = await nodes.uncached.validate(token)
          const reference = JSON.parse(
            JSON.stringify(await nodes.uncached.render(model, { includeCatalog: query === '' })),
          )
          // Node A issued every token: its first validation finds the mint the issue cached.
          const rounds = [
            [nodes.a, 'issued here'],
            [nodes.b, 'miss'],
            [nodes.b, 'hit'],
          ] as const
          for (const [node, round] of rounds) {
            const res = await nodes.call(node, 'GET', `/v3/auth/tokens${query}`, undefined, {
              'x-auth-token': nodes.adminToken,
              'x-subject-token': token,
            })
            assert.equal(res.status, 200, `${label} ${round}`)
            assert.deepEqual(res.body, reference, `${label}${query} (${round})`)
          }
        }
      }
      const roles = JSON.stringify(
        await nodes.uncached.validate(tokens.get('group + implied role on a project') ?? ''),
      )
      assert.ok(roles.includes('implied_x'), 'the matrix lost its implied role')
    })
  })
}
