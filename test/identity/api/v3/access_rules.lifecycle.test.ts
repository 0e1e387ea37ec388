import assert from 'node:assert/strict'
import { test } from 'node:test'
import { type Api, apiSuite, assertError, rowCount } from './support.ts'

const RULES = [
  { service: 'compute', path: '/v2.1/servers', method: 'GET' },
  { service: 'image', path: '/v2/images/*', method: 'HEAD' },
]

function createCred(
  api: Api,
  userId: string,
  name: string,
  accessRules: unknown,
  token = 'member',
) {
  return api.call('POST', `/v3/users/${userId}/application_credentials`, {
    token,
    body: { application_credential: { name, access_rules: accessRules } },
  })
}

apiSuite('application credential access rules', (api) => {
  test('created with the credential, returned in its body, listed and shown per user', async () => {
    const s = await api().seed()
    const res = await createCred(api(), s.memberId, 'mon', RULES)
    assert.equal(res.status, 201, res.body)
    const rules = res.json.application_credential.access_rules
    assert.equal(rules.length, 2)
    for (const [i, rule] of rules.entries()) {
      assert.match(rule.id, /^[0-9a-f]{32}$/)
      assert.deepEqual({ ...rule, id: undefined }, { ...RULES[i], id: undefined })
      assert.deepEqual(Object.keys(rule), ['id', 'service', 'path', 'method'])
    }
    const got = await api().call(
      'GET',
      `/v3/users/${s.memberId}/application_credentials/${res.json.application_credential.id}`,
      { token: 'member' },
    )
    assert.deepEqual(got.json.application_credential.access_rules, rules)
    const list = await api().call('GET', `/v3/users/${s.memberId}/access_rules`, {
      token: 'member',
    })
    assert.equal(list.status, 200, list.body)
    assert.deepEqual(
      list.json.access_rules.map((r: { id: string }) => r.id).sort(),
      rules.map((r: { id: string }) => r.id).sort(),
    )
    const filtered = await api().call('GET', `/v3/users/${s.memberId}/access_rules?service=image`, {
      token: 'member',
    })
    assert.deepEqual(
      filtered.json.access_rules.map((r: { id: string }) => r.id),
      [rules[1].id],
    )
    const one = await api().call('GET', `/v3/users/${s.memberId}/access_rules/${rules[0].id}`, {
      token: 'member',
    })
    assert.equal(one.status, 200, one.body)
    assert.deepEqual(
      { ...one.json.access_rule, links: undefined },
      { ...rules[0], links: undefined },
    )
    assert.equal(
      one.json.access_rule.links.self,
      `http://ks.example:5000/v3/access_rules/${rules[0].id}`,
    )
    // a credential without rules has no access_rules member at all, as Keystone's
    const plain = await createCred(api(), s.memberId, 'plain', [])
    assert.equal('access_rules' in plain.json.application_credential, false)
  })

  test('an identical rule, or one named by ID, is reused; deleting one in use is 403', async () => {
    const s = await api().seed()
    const first = (await createCred(api(), s.memberId, 'a', [RULES[0]])).json
    const ruleId = first.application_credential.access_rules[0].id
    const again = await createCred(api(), s.memberId, 'b', [RULES[0]])
    assert.equal(again.json.application_credential.access_rules[0].id, ruleId)
    const byId = await createCred(api(), s.memberId, 'c', [{ id: ruleId }])
    assert.deepEqual(byId.json.application_credential.access_rules, [{ id: ruleId, ...RULES[0] }])
    assert.equal(await rowCount(api().env.database, 'access_rule'), 1)

    const path = `/v3/users/${s.memberId}/access_rules/${ruleId}`
    assertError(
      await api().call('DELETE', path, { token: 'member' }),
      403,
      'May not delete access rule in use',
    )
    for (const cred of [first, again.json, byId.json]) {
      const id = cred.application_credential.id
      await api().call('DELETE', `/v3/users/${s.memberId}/application_credentials/${id}`, {
        token: 'member',
      })
    }
    // the rule outlives its credentials until deleted
    assert.equal((await api().call('GET', path, { token: 'member' })).status, 200)
    assert.equal((await api().call('DELETE', path, { token: 'member' })).status, 204)
    assertError(
      await api().call('GET', path, { token: 'member' }),
      404,
      `Could not find Access Rule: ${ruleId}.`,
    )
  })

  test("another user's rules are neither shown, deleted nor linked by ID", async () => {
    const s = await api().seed()
    const mine = (await createCred(api(), s.memberId, 'a', [RULES[0]])).json
    const ruleId = mine.application_credential.access_rules[0].id
    // the admin holds roles on the project too, and may create its own credentials
    const theirs = `/v3/users/${s.adminId}/access_rules/${ruleId}`
    assertError(await api().call('GET', theirs, { token: 'admin' }), 404)
    assertError(await api().call('DELETE', theirs, { token: 'admin' }), 404)
    assertError(await api().call('GET', theirs, { token: 'member' }), 403)
    assertError(
      await api().call('GET', `/v3/users/${s.adminId}/access_rules`, { token: 'member' }),
      403,
    )
    const before = await rowCount(api().env.database, 'application_credential')
    assertError(
      await createCred(api(), s.adminId, 'steal', [{ id: ruleId }], 'admin'),
      404,
      `Could not find Access Rule: ${ruleId}.`,
    )
    assert.equal(await rowCount(api().env.database, 'application_credential'), before)
    // an unknown ID without service, path and method names nothing to create
    assertError(await createCred(api(), s.memberId, 'b', [{ id: 'nope' }]), 404)
    assert.equal(await rowCount(api().env.database, 'access_rule'), 1)
  })

  test('deleting the user takes its rules', async () => {
    const s = await api().seed()
    await createCred(api(), s.memberId, 'a', RULES)
    assert.equal(await rowCount(api().env.database, 'access_rule'), 2)
    assert.equal((await api().call('DELETE', `/v3/users/${s.memberId}`)).status, 204)
    assert.equal(await rowCount(api().env.database, 'access_rule'), 0)
    assert.equal(await rowCount(api().env.database, 'application_credential_access_rule'), 0)
  })
})
