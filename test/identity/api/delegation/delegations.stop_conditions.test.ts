/**
 * When a delegation token stops validating (404 at GET /v3/auth/tokens, as any invalid token):
 * the root user token revoked (its narrowings too, each recorded as an audit-id revocation event),
 * the delegation or an ancestor revoked (DELETE /v3/OS-BATON/delegations/{id}), the user disabled
 * or without a delegated role, an actor disabled. Each test starts its own server.
 */
import assert from 'node:assert/strict'
import { afterEach, test } from 'node:test'
import type { TestIdentity } from '../../../support/identity_server.ts'
import {
  call,
  DELEGATIONS,
  delegate,
  startDelegationIdentity,
  validate,
} from './delegation_world.ts'

let id: TestIdentity | undefined
afterEach(async () => {
  await id?.close()
  id = undefined
})

async function world() {
  id = await startDelegationIdentity()
  const user = await id.token(id.users.alice)
  const svc = await id.token(id.users.svc)
  const hop = await id.token(id.users.authtoken)
  const made = await delegate(id, user, svc)
  assert.equal(made.status, 201, made.text)
  const token = made.headers.get('x-subject-token') ?? ''
  const child = await delegate(id, token, hop, { delegation: { audience: ['image'] } })
  assert.equal(child.status, 201, child.text)
  return {
    id,
    user,
    svc,
    hop,
    token,
    body: made.json.token,
    child: child.headers.get('x-subject-token') ?? '',
    childBody: child.json.token,
  }
}

test('revoking the root user token ends the delegation and its narrowing, with events', async () => {
  const w = await world()
  await w.id.revoke(w.user)
  assert.equal((await validate(w.id, w.svc, w.token)).status, 404)
  assert.equal((await validate(w.id, w.svc, w.child)).status, 404)
  const events = await call(w.id, 'GET', '/v3/OS-REVOKE/events', {
    headers: { 'X-Auth-Token': w.svc },
  })
  assert.equal(events.status, 200, events.text)
  const audits = events.json.events.map((e: { audit_id?: string }) => e.audit_id)
  assert.ok(audits.includes(w.body['OS-BATON:delegation'].root_audit_id))
  assert.ok(audits.includes(w.body.audit_ids[0]))
  assert.ok(audits.includes(w.childBody.audit_ids[0]))
})

test('DELETE /v3/OS-BATON/delegations/{id} by the user ends it and its narrowing, not the user token', async () => {
  const w = await world()
  const dId = w.body['OS-BATON:delegation'].id
  const got = await call(w.id, 'GET', `${DELEGATIONS}/${dId}`, {
    headers: { 'X-Auth-Token': w.user },
  })
  assert.equal(got.status, 200, got.text)
  assert.equal(got.json.delegation.revoked, false)
  // an admin may read it, and list the user's delegations
  const asAdmin = (await w.id.admin('GET', `/OS-BATON/delegations/${dId}`)) as {
    delegation: { id: string; user_id: string }
  }
  assert.equal(asAdmin.delegation.user_id, w.id.users.alice.id)
  const adminList = (await w.id.admin(
    'GET',
    `/OS-BATON/delegations?user_id=${w.id.users.alice.id}`,
  )) as { delegations: unknown[] }
  assert.equal(adminList.delegations.length, 2)
  // a stranger (no part in it, not an admin) may not
  const nosvc = await w.id.token(w.id.users.nosvc)
  const denied = await call(w.id, 'DELETE', `${DELEGATIONS}/${dId}`, {
    headers: { 'X-Auth-Token': nosvc },
  })
  assert.equal(denied.status, 403, denied.text)
  const strangerList = await call(w.id, 'GET', `${DELEGATIONS}?user_id=${w.id.users.alice.id}`, {
    headers: { 'X-Auth-Token': nosvc },
  })
  assert.equal(strangerList.status, 403, strangerList.text)
  // a delegation token may not manage delegations
  const self = await call(w.id, 'DELETE', `${DELEGATIONS}/${dId}`, {
    headers: { 'X-Auth-Token': w.token },
  })
  assert.equal(self.status, 403, self.text)
  const del = await call(w.id, 'DELETE', `${DELEGATIONS}/${dId}`, {
    headers: { 'X-Auth-Token': w.user },
  })
  assert.equal(del.status, 204, del.text)
  assert.equal((await validate(w.id, w.svc, w.token)).status, 404)
  assert.equal((await validate(w.id, w.svc, w.child)).status, 404)
  assert.equal((await validate(w.id, w.svc, w.user)).status, 200)
  const listed = await call(w.id, 'GET', DELEGATIONS, { headers: { 'X-Auth-Token': w.user } })
  assert.deepEqual(
    listed.json.delegations.map((d: { revoked: boolean }) => d.revoked),
    [true, true],
  )
  assert.equal(
    (await call(w.id, 'GET', `${DELEGATIONS}/nope`, { headers: { 'X-Auth-Token': w.user } }))
      .status,
    404,
  )
})

test('an actor may revoke a narrowing it made; the parent stays', async () => {
  const w = await world()
  const childId = w.childBody['OS-BATON:delegation'].id
  const del = await call(w.id, 'DELETE', `${DELEGATIONS}/${childId}`, {
    headers: { 'X-Auth-Token': w.hop },
  })
  assert.equal(del.status, 204, del.text)
  assert.equal((await validate(w.id, w.svc, w.child)).status, 404)
  assert.equal((await validate(w.id, w.svc, w.token)).status, 200)
})

test('DELETE /v3/auth/tokens on a delegation token revokes it (and its narrowing)', async () => {
  const w = await world()
  const res = await call(w.id, 'DELETE', '/v3/auth/tokens', {
    headers: { 'X-Auth-Token': w.user, 'X-Subject-Token': w.token },
  })
  assert.equal(res.status, 204, res.text)
  assert.equal((await validate(w.id, w.svc, w.token)).status, 404)
  assert.equal((await validate(w.id, w.svc, w.child)).status, 404)
})

test('the user disabled, or losing the delegated role, ends the delegation', async () => {
  const w = await world()
  const roles = (await w.id.admin('GET', '/roles?name=member')) as { roles: { id: string }[] }
  const member = roles.roles[0]?.id ?? ''
  await w.id.admin(
    'DELETE',
    `/projects/${w.id.projects.demo}/users/${w.id.users.alice.id}/roles/${member}`,
  )
  assert.equal((await validate(w.id, w.svc, w.token)).status, 404, 'role removed')
  await w.id.admin(
    'PUT',
    `/projects/${w.id.projects.demo}/users/${w.id.users.alice.id}/roles/${member}`,
  )
  // recomputed on every validation, as a trust token's roles: the role back, the token back
  assert.equal((await validate(w.id, w.svc, w.token)).status, 200, 'role back')

  const user = await w.id.token(w.id.users.alice)
  const made = await delegate(w.id, user, w.svc)
  const token = made.headers.get('x-subject-token') ?? ''
  assert.equal((await validate(w.id, w.svc, token)).status, 200, made.text)
  await w.id.admin('PATCH', `/users/${w.id.users.alice.id}`, { user: { enabled: false } })
  assert.equal((await validate(w.id, w.svc, token)).status, 404)
})

test('an actor of the chain disabled ends the delegation', async () => {
  const w = await world()
  await w.id.admin('PATCH', `/users/${w.id.users.authtoken.id}`, { user: { enabled: false } })
  assert.equal((await validate(w.id, w.svc, w.child)).status, 404)
  assert.equal((await validate(w.id, w.svc, w.token)).status, 200)
  await w.id.admin('PATCH', `/users/${w.id.users.svc.id}`, { user: { enabled: false } })
  const admin = await w.id.token(w.id.users.authtoken).catch(() => undefined)
  assert.equal(admin, undefined)
})
