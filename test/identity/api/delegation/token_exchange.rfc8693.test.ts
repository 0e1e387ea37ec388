/**
 * `POST /v3/OS-BATON/token-exchange`: RFC 8693 in front of the delegation rules. A form-encoded
 * exchange answers access_token / issued_token_type / token_type N_A / expires_in, and the token
 * validates as the JSON endpoint's does; refusals are RFC 6749 section 5.2 bodies (400) with the
 * code RFC 8693 section 2.2.2 names, and write nothing.
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { TestIdentity } from '../../../support/identity_server.ts'
import { countDelegations } from './delegation_rows.ts'
import { call, type Reply, startDelegationIdentity, validate } from './delegation_world.ts'

const GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange'
const ACCESS = 'urn:ietf:params:oauth:token-type:access_token'

let id: TestIdentity
let user: string
let svc: string
let hop: string

before(async () => {
  id = await startDelegationIdentity()
  user = await id.token(id.users.alice)
  svc = await id.token(id.users.svc)
  hop = await id.token(id.users.authtoken)
})
after(() => id.close())

function form(fields: Record<string, string | string[] | undefined>): string {
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue
    for (const one of Array.isArray(v) ? v : [v]) p.append(k, one)
  }
  return p.toString()
}

function exchange(
  fields: Record<string, string | string[] | undefined>,
  contentType = 'application/x-www-form-urlencoded',
): Promise<Reply> {
  return call(id, 'POST', '/v3/OS-BATON/token-exchange', {
    headers: { 'Content-Type': contentType },
    raw: form(fields),
  })
}

const base = () => ({
  grant_type: GRANT,
  subject_token: user,
  subject_token_type: ACCESS,
  actor_token: svc,
  actor_token_type: ACCESS,
  audience: ['volumev3', 'image'],
  operation: 'compute:boot:42',
  scope: 'member',
  expires_in: '1800',
})

test('an exchange issues a delegation token; a second exchange by the next hop narrows it', async () => {
  const res = await exchange(base())
  assert.equal(res.status, 200, res.text)
  assert.equal(res.headers.get('cache-control'), 'no-store')
  assert.equal(res.json.issued_token_type, ACCESS)
  assert.equal(res.json.token_type, 'N_A')
  assert.equal(res.json.expires_in, 1800)
  assert.equal(res.json.scope, 'member')
  const body = (await validate(id, svc, res.json.access_token)).json.token
  assert.deepEqual(body['OS-BATON:delegation'].audience, ['volumev3', 'image'])
  assert.equal(body['OS-BATON:delegation'].operation, 'compute:boot:42')

  const narrowed = await exchange({
    grant_type: GRANT,
    subject_token: res.json.access_token,
    subject_token_type: ACCESS,
    actor_token: hop,
    actor_token_type: ACCESS,
    audience: 'image',
  })
  assert.equal(narrowed.status, 200, narrowed.text)
  const nb = (await validate(id, svc, narrowed.json.access_token)).json.token
  assert.deepEqual(
    nb['OS-BATON:delegation'].actors.map((a: { user_name: string }) => a.user_name),
    ['svc', 'authtoken'],
  )
  // widening the audience at the hop: invalid_target
  const wider = await exchange({
    grant_type: GRANT,
    subject_token: narrowed.json.access_token,
    subject_token_type: ACCESS,
    actor_token: hop,
    actor_token_type: ACCESS,
    audience: ['image', 'compute'],
  })
  assert.equal(wider.status, 400)
  assert.equal(wider.json.error, 'invalid_target')
})

test('a hop exchanging for more time than its parent has left gets the parent deadline', async () => {
  const res = await exchange({ ...base(), expires_in: '600' })
  assert.equal(res.status, 200, res.text)
  const parent = (await validate(id, svc, res.json.access_token)).json.token
  const narrowed = await exchange({
    grant_type: GRANT,
    subject_token: res.json.access_token,
    subject_token_type: ACCESS,
    actor_token: hop,
    actor_token_type: ACCESS,
    expires_in: '3600',
  })
  assert.equal(narrowed.status, 200, narrowed.text)
  assert.ok(narrowed.json.expires_in <= 600, String(narrowed.json.expires_in))
  const nb = (await validate(id, svc, narrowed.json.access_token)).json.token
  assert.equal(nb.expires_at, parent.expires_at)
  assert.equal(nb['OS-BATON:delegation'].expires_at, parent['OS-BATON:delegation'].expires_at)
  assert.deepEqual(nb['OS-BATON:delegation'].audience, ['volumev3', 'image'])
})

type Case = readonly [string, string, Record<string, string | string[] | undefined>, string?]

const cases: Case[] = [
  ['a wrong grant type', 'unsupported_grant_type', { grant_type: 'client_credentials' }],
  ['no grant type', 'invalid_request', { grant_type: undefined }],
  ['no subject token', 'invalid_request', { subject_token: undefined }],
  ['an unknown subject token type', 'invalid_request', { subject_token_type: 'urn:x:saml' }],
  ['no actor token', 'invalid_request', { actor_token: undefined }],
  ['an invalid subject token', 'invalid_request', { subject_token: 'gAAAAAnope' }],
  ['an actor without an actor role', 'invalid_request', { actor_token: 'NOSVC' }],
  ['a role escalation', 'invalid_scope', { scope: 'member admin' }],
  ['a resource parameter', 'invalid_target', { resource: 'https://volume.example/' }],
  [
    'an oversized audience',
    'invalid_target',
    { audience: Array.from({ length: 17 }, (_, i) => `t${i}`) },
  ],
  ['a repeated grant type', 'invalid_request', { grant_type: [GRANT, GRANT] }],
  [
    'a requested id_token',
    'invalid_request',
    { requested_token_type: 'urn:ietf:params:oauth:token-type:id_token' },
  ],
  ['no operation from a user token', 'invalid_request', { operation: undefined }],
  ['a JSON body', 'invalid_request', {}, 'application/json'],
]

for (const [name, error, fields, contentType] of cases) {
  test(`${name}: 400 ${error}, nothing written`, async () => {
    const before = await countDelegations(id)
    const f = { ...base(), ...fields }
    if (f.actor_token === 'NOSVC') f.actor_token = await id.token(id.users.nosvc)
    const res = await exchange(f, contentType)
    assert.equal(res.status, 400, res.text)
    assert.deepEqual(Object.keys(res.json).sort(), ['error', 'error_description'])
    assert.equal(res.json.error, error, res.text)
    assert.equal(await countDelegations(id), before)
  })
}
