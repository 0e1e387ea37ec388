/**
 * Identity-side audience enforcement: with `[delegation] service_types` naming what each service
 * user serves, a listed service validating a delegation whose audience lacks its types gets the
 * invalid-token 404 (GET and HEAD), a listed service in the audience gets the body, an unlisted
 * validator is not restricted; and a listed hop cannot narrow a delegation not addressed to it.
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { TestIdentity } from '../../../support/identity_server.ts'
import { call, delegate, startDelegationIdentity, validate } from './delegation_world.ts'

let id: TestIdentity
let svc: string
let authtoken: string
let token: string

before(async () => {
  // svc serves compute (not in the audience), authtoken serves image (in it); nosvc is unlisted
  id = await startDelegationIdentity(['service_types = svc:compute,authtoken:image+imagev2'])
  svc = await id.token(id.users.svc)
  authtoken = await id.token(id.users.authtoken)
  const made = await delegate(id, await id.token(id.users.alice), svc, {
    delegation: { operation: 'compute:boot:1', audience: ['volumev3', 'image'] },
  })
  assert.equal(made.status, 201, made.text)
  token = made.headers.get('x-subject-token') ?? ''
})
after(() => id.close())

test('a listed service outside the audience is told the token is invalid, GET and HEAD', async () => {
  const got = await validate(id, svc, token)
  assert.equal(got.status, 404, got.text)
  assert.equal(got.json.error.code, 404)
  const head = await call(id, 'HEAD', '/v3/auth/tokens', {
    headers: { 'X-Auth-Token': svc, 'X-Subject-Token': token },
  })
  assert.equal(head.status, 404)
})

test('a listed service in the audience, and an admin not listed, validate it', async () => {
  assert.equal((await validate(id, authtoken, token)).status, 200)
  const admin = (await id.admin('GET', '/users?name=admin')) as { users: { id: string }[] }
  assert.ok(admin.users.length === 1)
  const adminToken = await fetch(`${id.url}/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: {
            user: { name: 'admin', domain: { id: 'default' }, password: 'test-admin-pw' },
          },
        },
        scope: { project: { name: 'admin', domain: { id: 'default' } } },
      },
    }),
  })
  const a = adminToken.headers.get('x-subject-token') ?? ''
  assert.equal((await validate(id, a, token)).status, 200)
})

test('ordinary user tokens are not affected', async () => {
  const user = await id.token(id.users.alice)
  assert.equal((await validate(id, svc, user)).status, 200)
})

test('a listed hop outside the audience cannot narrow it', async () => {
  const res = await delegate(id, token, svc, { delegation: { audience: ['image'] } })
  assert.equal(res.status, 403, res.text)
  const ok = await delegate(id, token, authtoken, { delegation: { audience: ['image'] } })
  assert.equal(ok.status, 201, ok.text)
})
