import assert from 'node:assert/strict'
import { test } from 'node:test'
import { apiSuite, assertError } from './support.ts'

apiSuite('/v3/roles', (api) => {
  test("without domain_id only global roles are listed; with it, that domain's", async () => {
    const s = await api().seed()
    const dr = await api().call('POST', '/v3/roles', {
      body: { role: { name: 'dr', domain_id: s.domainId } },
    })
    assert.equal(dr.status, 201, dr.body)
    assert.equal(dr.json.role.domain_id, s.domainId)
    const global = await api().call('GET', '/v3/roles')
    assert.deepEqual(global.json.roles.map((r: { name: string }) => r.name).sort(), [
      'admin',
      'member',
      'reader',
      'service',
    ])
    const domainRoles = await api().call('GET', `/v3/roles?domain_id=${s.domainId}`)
    assert.deepEqual(
      domainRoles.json.roles.map((r: { name: string }) => r.name),
      ['dr'],
    )
    assert.deepEqual((await api().call('GET', '/v3/roles?name=member')).json.roles.length, 1)
  })

  test('entity shape, duplicate 409, description length, domain change 400', async () => {
    await api().seed()
    const res = await api().call('POST', '/v3/roles', {
      body: { role: { name: 'dev', extra_attr: 1 } },
    })
    const role = res.json.role
    assert.deepEqual(role, {
      extra_attr: 1,
      id: role.id,
      name: 'dev',
      domain_id: null,
      description: null,
      options: {},
      links: { self: `http://ks.example:5000/v3/roles/${role.id}` },
    })
    assertError(
      await api().call('POST', '/v3/roles', { body: { role: { name: 'dev' } } }),
      409,
      'Conflict occurred attempting to store role - Duplicate entry found with name dev.',
    )
    assertError(
      await api().call('POST', '/v3/roles', {
        body: { role: { name: 'x', description: 'd'.repeat(256) } },
      }),
      400,
      /^String length exceeded\./,
    )
    assertError(
      await api().call('PATCH', `/v3/roles/${role.id}`, {
        body: { role: { domain_id: 'default' } },
      }),
      400,
      'Update of `domain_id` is not allowed.',
    )
  })

  test('immutable roles refuse update and delete with 403', async () => {
    await api().seed()
    const res = await api().call('POST', '/v3/roles', {
      body: { role: { name: 'locked', options: { immutable: true } } },
    })
    const id = res.json.role.id
    assertError(
      await api().call('PATCH', `/v3/roles/${id}`, { body: { role: { description: 'x' } } }),
      403,
      `Unable to update immutable role resource: \`${id}. Set resource option "immutable" to false first.`,
    )
    assertError(
      await api().call('DELETE', `/v3/roles/${id}`),
      403,
      /^Unable to delete immutable role resource/,
    )
    await api().call('PATCH', `/v3/roles/${id}`, {
      body: { role: { options: { immutable: false } } },
    })
    assert.equal((await api().call('DELETE', `/v3/roles/${id}`)).status, 204)
  })

  test('unknown role is 404 before policy; deleting a role drops app creds that used it', async () => {
    const s = await api().seed()
    assertError(
      await api().call('GET', '/v3/roles/nope', { token: 'member' }),
      404,
      'Could not find role: nope.',
    )
    // only holders of a direct grant lose their credentials (the member user here, not the admin
    // who has `member` by implication), as in _send_app_cred_notification_for_role_removal
    const mine = await api().call('POST', `/v3/users/${s.memberId}/application_credentials`, {
      token: 'member',
      body: { application_credential: { name: 'c', roles: [{ name: 'member' }] } },
    })
    assert.equal(mine.status, 201, mine.body)
    const theirs = await api().call('POST', `/v3/users/${s.adminId}/application_credentials`, {
      body: { application_credential: { name: 'c', roles: [{ name: 'member' }] } },
    })
    assert.equal(theirs.status, 201, theirs.body)
    assert.equal((await api().call('DELETE', `/v3/roles/${s.roles.member}`)).status, 204)
    assert.deepEqual(await api().store.applicationCredentials.list(s.memberId), [])
    assert.equal((await api().store.applicationCredentials.list(s.adminId)).length, 1)
  })
})
