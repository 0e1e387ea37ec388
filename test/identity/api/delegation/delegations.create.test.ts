/**
 * `POST /v3/OS-BATON/delegations` from a user token and its validation through
 * `GET /v3/auth/tokens`: the token body, the deadline (capped by max_lifetime, never widened by
 * allow_expired), and the delegation outliving the user token with allow_expired_window = 0.
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { startTestIdentity, type TestIdentity } from '../../../support/identity_server.ts'
import { BOOT, delegate, startDelegationIdentity, validate } from './delegation_world.ts'

let id: TestIdentity

before(async () => {
  id = await startDelegationIdentity()
})
after(() => id.close())

test('a delegation token renders as a user token with OS-BATON:delegation, and outlives the user token', async () => {
  const user = await id.token(id.users.alice)
  const svc = await id.token(id.users.svc)
  const made = await delegate(id, user, svc)
  assert.equal(made.status, 201, made.text)
  const token = made.headers.get('x-subject-token') ?? ''
  assert.notEqual(token, '')
  assert.notEqual(token, user)
  const body = made.json.token
  assert.equal(body.user.id, id.users.alice.id)
  assert.equal(body.project.id, id.projects.demo)
  assert.deepEqual(
    body.roles.map((r: { name: string }) => r.name),
    ['member'],
  )
  assert.ok(Array.isArray(body.catalog))
  const d = body['OS-BATON:delegation']
  assert.equal(d.operation, BOOT.operation)
  assert.deepEqual(d.audience, BOOT.audience)
  assert.deepEqual(
    d.actors.map((a: { user_id: string; user_name: string }) => [a.user_id, a.user_name]),
    [[id.users.svc.id, 'svc']],
  )
  assert.equal(d.expires_at, body.expires_at)
  assert.equal(Date.parse(body.expires_at) - Date.parse(body.issued_at), BOOT.expires_in * 1000)

  // validation renders the same body
  const checked = await validate(id, svc, token)
  assert.equal(checked.status, 200, checked.text)
  assert.deepEqual(checked.json.token['OS-BATON:delegation'], d)
  assert.equal(d.root_audit_id, (await validate(id, svc, user)).json.token.audit_ids[0])

  // the user token expires (600 s); with a window of 0 it is gone, the delegation is not
  id.clock.advance(1200)
  const svc2 = await id.token(id.users.svc)
  assert.equal((await validate(id, svc2, user, true)).status, 404)
  assert.equal((await validate(id, svc2, token)).status, 200)
  // past its deadline it is gone, allow_expired or not
  id.clock.advance(BOOT.expires_in)
  const svc3 = await id.token(id.users.svc)
  assert.equal((await validate(id, svc3, token)).status, 404)
  assert.equal((await validate(id, svc3, token, true)).status, 404)
})

test('with a 1-hour allow_expired_window, an expired user token still cannot obtain a delegation', async () => {
  const windowed = await startTestIdentity() // expiration 600, allow_expired_window 3600
  try {
    const user = await windowed.token(windowed.users.alice)
    windowed.clock.advance(601)
    const svc = await windowed.token(windowed.users.svc)
    // the user token is still honoured with allow_expired (inside the window)...
    assert.equal((await validate(windowed, svc, user, true)).status, 200)
    // ...but never to obtain a delegation
    const refused = await delegate(windowed, user, svc)
    assert.equal(refused.status, 401, refused.text)
    assert.equal(refused.json.error.code, 401)
  } finally {
    await windowed.close()
  }
})
