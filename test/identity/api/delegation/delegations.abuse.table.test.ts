/**
 * The abuse table of issue 15: each refused with Keystone's error body and the status named, no
 * delegation row written. Then what a delegation token may not do elsewhere: mint an application
 * credential, a trust, an EC2 credential, or a new token with the token method.
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { TestIdentity } from '../../../support/identity_server.ts'
import { countDelegations } from './delegation_rows.ts'
import { BOOT, call, delegate, type Reply, startDelegationIdentity } from './delegation_world.ts'

let id: TestIdentity
let user: string
let svc: string
let nosvc: string
let token: string

before(async () => {
  id = await startDelegationIdentity()
  user = await id.token(id.users.alice)
  svc = await id.token(id.users.svc)
  nosvc = await id.token(id.users.nosvc)
  const made = await delegate(id, user, svc)
  assert.equal(made.status, 201, made.text)
  token = made.headers.get('x-subject-token') ?? ''
})
after(() => id.close())

function assertKeystoneError(reply: Reply, status: number): void {
  assert.equal(reply.status, status, reply.text)
  assert.deepEqual(Object.keys(reply.json.error).sort(), ['code', 'message', 'title'])
  assert.equal(reply.json.error.code, status)
  assert.ok(!reply.text.includes(user) && !reply.text.includes(svc), 'no token in the body')
}

const body = (fields: Record<string, unknown>) => ({ delegation: { ...BOOT, ...fields } })

type Case = readonly [name: string, status: number, run: () => Promise<Reply>]

const cases: Case[] = [
  ['no service token', 401, () => delegate(id, user, undefined)],
  ['no user token', 401, () => delegate(id, undefined, svc)],
  ['a garbage service token', 401, () => delegate(id, user, 'gAAAAAnotatoken')],
  ['a service token without an actor role', 403, () => delegate(id, user, nosvc)],
  ["the user's own token as actor", 403, () => delegate(id, user, user)],
  ['a delegation token as actor', 403, () => delegate(id, user, token)],
  ['unknown body fields', 400, () => delegate(id, user, svc, body({ lifetime: 5 }))],
  ['unknown top-level members only', 400, () => delegate(id, user, svc, { delegation: 'x' })],
  [
    'an oversized audience list',
    400,
    () =>
      delegate(id, user, svc, body({ audience: Array.from({ length: 17 }, (_, i) => `t${i}`) })),
  ],
  ['an empty audience', 400, () => delegate(id, user, svc, body({ audience: [] }))],
  ['a repeated audience entry', 400, () => delegate(id, user, svc, body({ audience: ['a', 'a'] }))],
  ['a service type with spaces', 400, () => delegate(id, user, svc, body({ audience: ['a b'] }))],
  ['no operation', 400, () => delegate(id, user, svc, body({ operation: undefined }))],
  ['expires_in zero', 400, () => delegate(id, user, svc, body({ expires_in: 0 }))],
  ['expires_in a string', 400, () => delegate(id, user, svc, body({ expires_in: '60' }))],
  ['a role the user lacks', 403, () => delegate(id, user, svc, body({ roles: ['admin'] }))],
  ['no roles at all', 400, () => delegate(id, user, svc, body({ roles: [] }))],
  ['a JSON array body', 400, () => delegate(id, user, svc, [1])],
]

for (const [name, status, run] of cases) {
  test(`${name}: ${status}, nothing written`, async () => {
    const before = await countDelegations(id)
    assertKeystoneError(await run(), status)
    assert.equal(await countDelegations(id), before)
  })
}

test('an expired user token (window 0) and a revoked one: 401; an expired service token: 401', async () => {
  const fresh = await id.token(id.users.alice)
  const revoked = await id.token(id.users.alice)
  await id.revoke(revoked)
  const before = await countDelegations(id)
  assertKeystoneError(await delegate(id, revoked, svc), 401)
  id.clock.advance(601)
  const svcNow = await id.token(id.users.svc)
  assertKeystoneError(await delegate(id, fresh, svcNow), 401)
  const userNow = await id.token(id.users.alice)
  assertKeystoneError(await delegate(id, userNow, svc), 401)
  assert.equal(await countDelegations(id), before)
})

test('a delegation token cannot create an application credential, a trust, an EC2 credential or a token', async () => {
  const me = id.users.alice.id
  const headers = { 'X-Auth-Token': token }
  assertKeystoneError(
    await call(id, 'POST', `/v3/users/${me}/application_credentials`, {
      headers,
      body: { application_credential: { name: 'escape' } },
    }),
    403,
  )
  assertKeystoneError(
    await call(id, 'POST', '/v3/OS-TRUST/trusts', {
      headers,
      body: {
        trust: {
          trustor_user_id: me,
          trustee_user_id: id.users.nosvc.id,
          project_id: id.projects.demo,
          impersonation: true,
          roles: [{ name: 'member' }],
        },
      },
    }),
    403,
  )
  assertKeystoneError(
    await call(id, 'POST', `/v3/users/${me}/credentials/OS-EC2`, {
      headers,
      body: { tenant_id: id.projects.demo },
    }),
    403,
  )
  assertKeystoneError(
    await call(id, 'POST', '/v3/auth/tokens', {
      body: { auth: { identity: { methods: ['token'], token: { id: token } } } },
    }),
    403,
  )
  assertKeystoneError(
    await call(id, 'POST', '/v3/auth/tokens', {
      body: {
        auth: {
          identity: { methods: ['token'], token: { id: token } },
          scope: { project: { id: id.projects.demo } },
        },
      },
    }),
    403,
  )
})
