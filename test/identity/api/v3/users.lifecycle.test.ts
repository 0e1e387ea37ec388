import assert from 'node:assert/strict'
import { test } from 'node:test'
import { verifyPassword } from '../../../../packages/identity/src/passwords/index.ts'
import { apiSuite, assertError } from './support.ts'

apiSuite('/v3/users', (api) => {
  test('create hashes the password (bcrypt, configured rounds) and never returns it', async () => {
    const s = await api().seed()
    const res = await api().call('POST', '/v3/users', {
      body: {
        user: { name: 'jdoe', password: 'pw-1', email: 'j@example.com', project_id: s.projectId },
      },
    })
    assert.equal(res.status, 201, res.body)
    const user = res.json.user
    assert.deepEqual(Object.keys(user).sort(), [
      'domain_id',
      'email',
      'enabled',
      'id',
      'links',
      'name',
      'options',
      'password_expires_at',
      'project_id',
    ])
    assert.equal(user.password_expires_at, null)
    assert.doesNotMatch(res.body, /pw-1/)
    const stored = await api().store.identity.getPassword(user.id)
    assert.match(stored?.hash ?? '', /^\$2b\$04\$/)
    assert.equal(await verifyPassword('pw-1', stored?.hash), true)
  })

  test('unknown domain is 404 (not 400); duplicate name is 409', async () => {
    await api().seed()
    assertError(
      await api().call('POST', '/v3/users', { body: { user: { name: 'x', domain_id: 'nope' } } }),
      404,
      'Could not find domain: nope.',
    )
    assertError(
      await api().call('POST', '/v3/users', { body: { user: { name: 'demo' } } }),
      409,
      'Conflict occurred attempting to store user - Duplicate entry found with name demo at domain ID default.',
    )
    assertError(
      await api().call('POST', '/v3/users', {
        body: { user: { name: 'x', default_project_id: 'default' } },
      }),
      400,
      "User's default project ID cannot be a domain ID: default",
    )
  })

  test('update: admin password reset and disable write user events; enable does not', async () => {
    const s = await api().seed()
    const patch = (body: unknown) =>
      api().call('PATCH', `/v3/users/${s.memberId}`, { body: { user: body } })
    const reset = await patch({ password: 'new-pw', nickname: 'd' })
    assert.equal(reset.status, 200, reset.body)
    assert.deepEqual(reset.json.user.extra, { nickname: 'd' })
    assert.doesNotMatch(reset.body, /new-pw/)
    assert.equal(
      await verifyPassword('new-pw', (await api().store.identity.getPassword(s.memberId))?.hash),
      true,
    )
    await patch({ enabled: false })
    await patch({ enabled: false })
    await patch({ enabled: true })
    const events = await api().store.revocation.listSince()
    assert.deepEqual(
      events.map((e) => e.userId),
      [s.memberId, s.memberId],
    )
    assertError(await patch({ domain_id: 'other' }), 400, 'Cannot change Domain ID')
    assertError(await patch({ id: 'other' }), 400, 'Cannot change ID')
    assertError(await api().call('PATCH', '/v3/users/nope', { body: { user: { name: 'x' } } }), 404)
  })

  test('delete writes a user event; the user and its grants are gone', async () => {
    const s = await api().seed()
    assert.equal((await api().call('DELETE', `/v3/users/${s.memberId}`)).status, 204)
    assertError(
      await api().call('GET', `/v3/users/${s.memberId}`),
      404,
      `Could not find user: ${s.memberId}.`,
    )
    assert.deepEqual(
      (await api().store.revocation.listSince()).map((e) => e.userId),
      [s.memberId],
    )
    assert.deepEqual(
      await api().store.assignment.listRoleAssignments({ actor: { type: 'user', id: s.memberId } }),
      [],
    )
  })

  test('list filters: name, inexact, enabled, password_expires_at operators', async () => {
    await api().seed()
    const names = async (q: string) =>
      (await api().call('GET', `/v3/users${q}`)).json.users
        .map((u: { name: string }) => u.name)
        .sort()
    assert.deepEqual(await names(''), ['admin', 'demo'])
    assert.deepEqual(await names('?name__icontains=DEM'), ['demo'])
    assert.deepEqual(await names('?enabled=false'), [])
    assert.deepEqual(await names('?idp_id=x'), [])
    assert.deepEqual(await names('?password_expires_at=lt:2031-01-01T00:00:00Z'), [])
    assertError(
      await api().call('GET', '/v3/users?password_expires_at=xx:2031-01-01T00:00:00Z'),
      400,
      "The given operator xx is not valid. It must be one of the following: 'eq', 'neq', 'lt', 'lte', 'gt', or 'gte'.",
    )
    assertError(
      await api().call('GET', '/v3/users?password_expires_at=lt:yesterday'),
      400,
      /^Timestamp not in expected format/,
    )
  })

  test('a user may read itself but not another user', async () => {
    const s = await api().seed()
    assert.equal(
      (await api().call('GET', `/v3/users/${s.memberId}`, { token: 'member' })).status,
      200,
    )
    assertError(await api().call('GET', `/v3/users/${s.adminId}`, { token: 'member' }), 403)
  })
})
