/**
 * The `oauth1` auth method behind a real server on loopback: a consumer's access token, signed
 * over `POST /v3/auth/tokens`, becomes an OAuth-scoped Fernet token (payload version 7) that
 * validates with `OS-OAUTH1` and the access token's roles, cannot mint other tokens, trusts or
 * application credentials, and dies with its access token.
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import {
  ADMIN_PASSWORD,
  startTestIdentity,
  type TestIdentity,
} from '../../../support/identity_server.ts'
import { passwordLogin } from '../../../support/login.ts'
import { formFields, oauthHeader } from '../../support/oauth1_signer.ts'

/** Keystone hides the reason of a 401 (SecurityError) unless insecure_debug is on. */
const HIDDEN_401 = 'The request you have made requires authentication.'

let identity: TestIdentity
let adminToken: string
let adminId: string
let projectId: string
let consumer: { key: string; secret: string }
let access: { token: string; secret: string }

async function call(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<{ status: number; text: string; headers: Headers }> {
  const res = await fetch(`${identity.url}/v3${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  return { status: res.status, text: await res.text(), headers: res.headers }
}

function signed(path: string, extra: Partial<Parameters<typeof oauthHeader>[0]> = {}): string {
  return oauthHeader({
    url: `${identity.url}/v3${path}`,
    consumerKey: consumer.key,
    consumerSecret: consumer.secret,
    now: identity.clock.now(),
    ...extra,
  })
}

const OAUTH_AUTH = { auth: { identity: { methods: ['oauth1'], oauth1: {} } } }

async function oauthToken(): Promise<{ status: number; text: string; token: string }> {
  const res = await call(
    'POST',
    '/auth/tokens',
    {
      authorization: signed('/auth/tokens', { token: access.token, tokenSecret: access.secret }),
    },
    OAUTH_AUTH,
  )
  return { ...res, token: res.headers.get('x-subject-token') ?? '' }
}

async function newAccessToken(): Promise<{ token: string; secret: string }> {
  const req = await call('POST', '/OS-OAUTH1/request_token', {
    authorization: signed('/OS-OAUTH1/request_token', { callback: 'oob' }),
    'requested-project-id': projectId,
  })
  assert.equal(req.status, 201, req.text)
  const rt = formFields(req.text)
  const member = (await identity.admin('GET', '/roles?name=member')) as {
    roles: { id: string }[]
  }
  const auth = await call(
    'PUT',
    `/OS-OAUTH1/authorize/${rt.oauth_token}`,
    { 'x-auth-token': adminToken },
    { roles: [{ id: member.roles[0]?.id }] },
  )
  assert.equal(auth.status, 200, auth.text)
  const verifier = JSON.parse(auth.text).token.oauth_verifier
  const acc = await call('POST', '/OS-OAUTH1/access_token', {
    authorization: signed('/OS-OAUTH1/access_token', {
      token: rt.oauth_token ?? '',
      tokenSecret: rt.oauth_token_secret ?? '',
      verifier,
    }),
  })
  assert.equal(acc.status, 201, acc.text)
  const at = formFields(acc.text)
  return { token: at.oauth_token ?? '', secret: at.oauth_token_secret ?? '' }
}

before(async () => {
  identity = await startTestIdentity()
  const login = await passwordLogin(identity.url, 'admin', ADMIN_PASSWORD, 'admin')
  adminToken = login.token
  adminId = login.userId
  projectId = login.projectId
  const created = (await identity.admin('POST', '/OS-OAUTH1/consumers', { consumer: {} })) as {
    consumer: { id: string; secret: string }
  }
  consumer = { key: created.consumer.id, secret: created.consumer.secret }
  access = await newAccessToken()
})

after(() => identity.close())

test('an OAuth-signed POST /v3/auth/tokens issues an OAuth-scoped token that validates', async () => {
  const issued = await oauthToken()
  assert.equal(issued.status, 201, issued.text)
  const token = JSON.parse(issued.text).token
  assert.deepEqual(token.methods, ['oauth1'])
  assert.deepEqual(token['OS-OAUTH1'], { access_token_id: access.token, consumer_id: consumer.key })
  assert.equal(token.project.id, projectId)
  assert.equal(token.user.id, adminId)
  // the access token's member role and what it implies, not the admin role the user holds
  assert.deepEqual(token.roles.map((r: { name: string }) => r.name).toSorted(), [
    'member',
    'reader',
  ])

  const validated = await call('GET', '/auth/tokens', {
    'x-auth-token': adminToken,
    'x-subject-token': issued.token,
  })
  assert.equal(validated.status, 200, validated.text)
  const body = JSON.parse(validated.text).token
  assert.deepEqual(body['OS-OAUTH1'], token['OS-OAUTH1'])
  assert.deepEqual(body.roles, token.roles)
})

test('an OAuth-scoped token cannot mint tokens, trusts, credentials or further delegation', async () => {
  const { token } = await oauthToken()
  const rescope = await call(
    'POST',
    '/auth/tokens',
    {},
    {
      auth: { identity: { methods: ['token'], token: { id: token } } },
    },
  )
  assert.equal(rescope.status, 403, rescope.text)
  assert.match(
    JSON.parse(rescope.text).error.message,
    /Using OAuth-scoped token to create another token/,
  )
  const trust = await call(
    'POST',
    '/OS-TRUST/trusts',
    { 'x-auth-token': token },
    {
      trust: {
        trustor_user_id: adminId,
        trustee_user_id: adminId,
        project_id: projectId,
        impersonation: false,
        roles: [{ name: 'member' }],
      },
    },
  )
  assert.equal(trust.status, 403, trust.text)
  const appCred = await call(
    'POST',
    `/users/${adminId}/application_credentials`,
    { 'x-auth-token': token },
    { application_credential: { name: 'from-oauth' } },
  )
  assert.equal(appCred.status, 403, appCred.text)
  const listing = await call('GET', `/users/${adminId}/OS-OAUTH1/access_tokens`, {
    'x-auth-token': token,
  })
  assert.equal(listing.status, 403, listing.text)
})

test("bad signatures and expired access tokens are refused with Keystone's 401s", async () => {
  const forged = await call(
    'POST',
    '/auth/tokens',
    {
      authorization: signed('/auth/tokens', { token: access.token, tokenSecret: 'wrong' }),
    },
    OAUTH_AUTH,
  )
  assert.equal(forged.status, 401, forged.text)
  assert.equal(JSON.parse(forged.text).error.message, HIDDEN_401)
  const unknown = await call(
    'POST',
    '/auth/tokens',
    {
      authorization: signed('/auth/tokens', { token: 'a'.repeat(32), tokenSecret: 'x' }),
    },
    OAUTH_AUTH,
  )
  assert.equal(unknown.status, 404, unknown.text)
  assert.equal(JSON.parse(unknown.text).error.message, 'Access token not found')
})

test('deleting the access token, or its consumer, ends its tokens', async () => {
  const { token } = await oauthToken()
  const validate = (subject: string) =>
    call('GET', '/auth/tokens', { 'x-auth-token': adminToken, 'x-subject-token': subject })
  assert.equal((await validate(token)).status, 200)
  const deleted = await call(
    'DELETE',
    `/users/${adminId}/OS-OAUTH1/access_tokens/${access.token}`,
    {
      'x-auth-token': adminToken,
    },
  )
  assert.equal(deleted.status, 204, deleted.text)
  assert.equal((await validate(token)).status, 404)

  access = await newAccessToken()
  const second = await oauthToken()
  assert.equal((await validate(second.token)).status, 200)
  await identity.admin('DELETE', `/OS-OAUTH1/consumers/${consumer.key}`)
  assert.equal((await validate(second.token)).status, 404)
  const events = (await identity.admin('GET', '/OS-REVOKE/events')) as {
    events: Record<string, unknown>[]
  }
  assert.ok(events.events.some((e) => e['OS-OAUTH1:consumer_id'] === consumer.key))
})

test('an access token past [oauth1] access_token_duration is expired', async () => {
  const created = (await identity.admin('POST', '/OS-OAUTH1/consumers', { consumer: {} })) as {
    consumer: { id: string; secret: string }
  }
  consumer = { key: created.consumer.id, secret: created.consumer.secret }
  access = await newAccessToken()
  identity.clock.advance(86401)
  adminToken = (await passwordLogin(identity.url, 'admin', ADMIN_PASSWORD, 'admin')).token
  const expired = await oauthToken()
  assert.equal(expired.status, 401, expired.text)
  assert.equal(JSON.parse(expired.text).error.message, HIDDEN_401)
})
