/**
 * Narrowing a delegation at the next hop: audience, roles and deadline only shrink, the operation
 * stays, the hop is appended to the actor chain; each widening of the audience, the roles or the
 * operation is a 403 with Keystone's body and writes no delegation row; a deadline later than the
 * parent's is capped at the parent's (issue 15), like max_lifetime caps it.
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { TestIdentity } from '../../../support/identity_server.ts'
import { countDelegations } from './delegation_rows.ts'
import {
  BOOT,
  delegate,
  type Reply,
  startDelegationIdentity,
  validate,
} from './delegation_world.ts'

let id: TestIdentity
let svc: string
let hop: string
let root: string

before(async () => {
  id = await startDelegationIdentity()
  svc = await id.token(id.users.svc)
  hop = await id.token(id.users.authtoken)
  const made = await delegate(id, await id.token(id.users.alice), svc)
  assert.equal(made.status, 201, made.text)
  root = made.headers.get('x-subject-token') ?? ''
})
after(() => id.close())

function assertKeystoneError(reply: Reply, status: number): void {
  assert.equal(reply.status, status, reply.text)
  assert.equal(reply.json.error.code, status)
  assert.equal(typeof reply.json.error.title, 'string')
  assert.equal(typeof reply.json.error.message, 'string')
}

test('a hop narrows the audience and deadline and is appended to the actor chain', async () => {
  const narrowed = await delegate(id, root, hop, {
    delegation: { audience: ['image'], expires_in: 600 },
  })
  assert.equal(narrowed.status, 201, narrowed.text)
  const d = narrowed.json.token['OS-BATON:delegation']
  assert.deepEqual(d.audience, ['image'])
  assert.equal(d.operation, BOOT.operation)
  assert.deepEqual(
    d.actors.map((a: { user_name: string }) => a.user_name),
    ['svc', 'authtoken'],
  )
  const parent = (await validate(id, svc, root)).json.token['OS-BATON:delegation']
  assert.equal(d.root_audit_id, parent.root_audit_id)
  assert.ok(Date.parse(d.expires_at) < Date.parse(parent.expires_at))
  // omitted members are inherited
  const inherited = await delegate(id, root, hop, { delegation: {} })
  assert.equal(inherited.status, 201, inherited.text)
  const i = inherited.json.token['OS-BATON:delegation']
  assert.deepEqual(i.audience, parent.audience)
  assert.equal(i.expires_at, parent.expires_at)
})

for (const [name, body] of [
  ['audience widening', { audience: ['image', 'compute'] }],
  ['role escalation', { roles: ['admin'] }],
  ['a different operation', { operation: 'compute:resize:1' }],
] as const) {
  test(`${name} is a 403 and writes nothing`, async () => {
    const before = await countDelegations(id)
    assertKeystoneError(await delegate(id, root, hop, { delegation: body }), 403)
    assert.equal(await countDelegations(id), before)
  })
}

test('a deadline extension by a hop is capped at the parent deadline and widens nothing', async () => {
  const parent = (await validate(id, svc, root)).json.token
  const pd = parent['OS-BATON:delegation']
  const rowsBefore = await countDelegations(id)
  // under max_lifetime (7200) but after the parent's deadline (3600 from its issue)
  const longer = await delegate(id, root, hop, { delegation: { expires_in: 7000 } })
  assert.equal(longer.status, 201, longer.text)
  assert.equal(await countDelegations(id), rowsBefore + 1)
  const t = longer.json.token
  const d = t['OS-BATON:delegation']
  assert.equal(d.expires_at, pd.expires_at)
  assert.equal(t.expires_at, parent.expires_at)
  assert.deepEqual(d.audience, pd.audience)
  assert.equal(d.operation, pd.operation)
  assert.deepEqual(
    t.roles.map((r: { name: string }) => r.name).sort(),
    parent.roles.map((r: { name: string }) => r.name).sort(),
  )
  // the narrowed token validates with the capped deadline, and so does a narrowing of it, later
  const again = await validate(id, svc, longer.headers.get('x-subject-token') ?? '')
  assert.equal(again.json.token.expires_at, parent.expires_at)
  id.clock.advance(120)
  const freshHop = await id.token(id.users.authtoken)
  const deeper = await delegate(id, longer.headers.get('x-subject-token') ?? '', freshHop, {
    delegation: { expires_in: 3600 },
  })
  assert.equal(deeper.status, 201, deeper.text)
  assert.equal(deeper.json.token['OS-BATON:delegation'].expires_at, pd.expires_at)
  assert.ok(Date.parse(deeper.json.token.expires_at) <= Date.parse(parent.expires_at))
})
