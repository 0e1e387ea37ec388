/**
 * The OS-OAUTH1 flow replayed on a real Baton server, step for step as
 * fixtures/generate_keystone_oauth1_flow.py drove the real Keystone 22, and compared with
 * fixtures/keystone_oauth1_flow.json: statuses, content types, error bodies, the form-encoded
 * answers, access-token and role entities, and the OAuth-scoped token's shape. Ids, secrets,
 * verifiers, times and base URLs become placeholders; jsonschema's appended schema dump is cut.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { after, before, test } from 'node:test'
import {
  ADMIN_PASSWORD,
  startTestIdentity,
  type TestIdentity,
} from '../../../support/identity_server.ts'
import { passwordLogin } from '../../../support/login.ts'
import { formFields, oauthHeader } from '../../support/oauth1_signer.ts'

type Step = { label: string; status: number; content_type: string; body: unknown }
const golden: { steps: Step[] } = JSON.parse(
  readFileSync(new URL('./fixtures/keystone_oauth1_flow.json', import.meta.url), 'utf8'),
)

let identity: TestIdentity
const steps: Step[] = []

/** Placeholders for what differs by run; a token body reduced to what OAuth decides. */
function normalize(value: unknown, base: string): unknown {
  if (typeof value === 'string') {
    return (value.split('\n\n')[0] ?? '')
      .replaceAll(base, '<base>')
      .replaceAll('http://localhost', '<base>')
      .replace(/[0-9a-f]{32}/g, '<id>')
      .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z/g, '<time>')
  }
  if (Array.isArray(value)) return value.map((v) => normalize(v, base))
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>
    const token = record.token as Record<string, unknown> | undefined
    if (token && Array.isArray(token.roles)) {
      return {
        keys: Object.keys(token).toSorted(),
        methods: token.methods,
        oauth: normalize(token['OS-OAUTH1'], base),
        roles: (token.roles as { name: string }[]).map((r) => r.name).toSorted(),
      }
    }
    if (token && typeof token.oauth_verifier === 'string')
      return { token: { oauth_verifier: '<verifier>' } }
    return Object.fromEntries(
      Object.entries(record)
        .toSorted(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => [k, normalize(v, base)]),
    )
  }
  return value
}

async function call(
  label: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<{ text: string; headers: Headers }> {
  const res = await fetch(`${identity.url}${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await res.text()
  const type = (res.headers.get('content-type') ?? '').split(';')[0] ?? ''
  steps.push({
    label,
    status: res.status,
    content_type: res.status === 204 ? '' : type,
    body: type === 'application/json' ? JSON.parse(text) : text,
  })
  return { text, headers: res.headers }
}

before(async () => {
  identity = await startTestIdentity()
  const login = await passwordLogin(identity.url, 'admin', ADMIN_PASSWORD, 'admin')
  const admin = { 'x-auth-token': login.token }
  const roles = (await identity.admin('GET', '/roles')) as { roles: { id: string; name: string }[] }
  const role = (name: string) => roles.roles.find((r) => r.name === name)?.id ?? ''
  const created = (await identity.admin('POST', '/OS-OAUTH1/consumers', { consumer: {} })) as {
    consumer: { id: string; secret: string }
  }
  const key = created.consumer.id
  const secret = created.consumer.secret
  const v3 = `${identity.url}/v3`
  const sign = (path: string, o: Partial<Parameters<typeof oauthHeader>[0]> = {}) => ({
    authorization: oauthHeader({
      url: `${v3}${path}`,
      consumerKey: key,
      consumerSecret: secret,
      now: identity.clock.now(),
      ...o,
    }),
  })
  const project = { 'requested-project-id': login.projectId }
  const RT = '/OS-OAUTH1/request_token'
  const post = (label: string, path: string, headers: Record<string, string>, body?: unknown) =>
    call(label, 'POST', `/v3${path}`, headers, body)

  await post('request_token_bad_signature', RT, {
    ...sign(RT, { consumerSecret: 'wrong', callback: 'oob' }),
    ...project,
  })
  await post('request_token_no_project', RT, sign(RT, { callback: 'oob' }))
  await post('request_token_no_callback', RT, { ...sign(RT), ...project })
  await post('request_token_unknown_consumer', RT, {
    ...sign(RT, { consumerKey: 'f'.repeat(32), callback: 'oob' }),
    ...project,
  })
  const rt = formFields(
    (await post('request_token', RT, { ...sign(RT, { callback: 'oob' }), ...project })).text,
  )

  const authorize = `/v3/OS-OAUTH1/authorize/${rt.oauth_token}`
  await call('authorize_not_held', 'PUT', authorize, admin, { roles: [{ id: role('service') }] })
  await call('authorize_unknown_name', 'PUT', authorize, admin, { roles: [{ name: 'nope' }] })
  await call('authorize_two_keys', 'PUT', authorize, admin, { roles: [{ id: 'a', name: 'b' }] })
  await call('authorize_unknown', 'PUT', `/v3/OS-OAUTH1/authorize/${'a'.repeat(32)}`, admin, {
    roles: [{ id: role('member') }],
  })
  const verifier = JSON.parse(
    (await call('authorize', 'PUT', authorize, admin, { roles: [{ name: 'member' }] })).text,
  ).token.oauth_verifier

  const AT = '/OS-OAUTH1/access_token'
  const owner = { token: rt.oauth_token ?? '', tokenSecret: rt.oauth_token_secret ?? '' }
  await post(
    'access_token_wrong_verifier',
    AT,
    sign(AT, { ...owner, verifier: verifier === 'aaaaaaaa' ? 'bbbbbbbb' : 'aaaaaaaa' }),
  )
  await post('access_token_bad_verifier_format', AT, sign(AT, { ...owner, verifier: 'short' }))
  await post(
    'access_token_bad_signature',
    AT,
    sign(AT, { ...owner, tokenSecret: 'wrong', verifier }),
  )
  const at = formFields((await post('access_token', AT, sign(AT, { ...owner, verifier }))).text)

  const tokens = `/v3/users/${login.userId}/OS-OAUTH1/access_tokens`
  await call('list_access_tokens', 'GET', tokens, admin)
  await call('get_access_token', 'GET', `${tokens}/${at.oauth_token}`, admin)
  await call('list_access_token_roles', 'GET', `${tokens}/${at.oauth_token}/roles`, admin)
  await call(
    'get_access_token_role',
    'GET',
    `${tokens}/${at.oauth_token}/roles/${role('member')}`,
    admin,
  )
  await call(
    'get_access_token_role_not_delegated',
    'GET',
    `${tokens}/${at.oauth_token}/roles/${role('admin')}`,
    admin,
  )
  await call('get_access_token_missing', 'GET', `${tokens}/${'b'.repeat(32)}`, admin)

  const auth = { auth: { identity: { methods: ['oauth1'], oauth1: {} } } }
  const accessOwner = { token: at.oauth_token ?? '', tokenSecret: at.oauth_token_secret ?? '' }
  await post(
    'oauth_token_bad_signature',
    '/auth/tokens',
    sign('/auth/tokens', { ...accessOwner, tokenSecret: 'wrong' }),
    auth,
  )
  const issued = await post('oauth_token', '/auth/tokens', sign('/auth/tokens', accessOwner), auth)
  const oauthToken = issued.headers.get('x-subject-token') ?? ''
  await call('validate_oauth_token', 'GET', '/v3/auth/tokens', {
    ...admin,
    'x-subject-token': oauthToken,
  })
  await post(
    'rescope_oauth_token',
    '/auth/tokens',
    {},
    { auth: { identity: { methods: ['token'], token: { id: oauthToken } } } },
  )
  await call('delete_access_token', 'DELETE', `${tokens}/${at.oauth_token}`, admin)
  await call('validate_after_delete', 'GET', '/v3/auth/tokens', {
    ...admin,
    'x-subject-token': oauthToken,
  })
})

after(() => identity?.close())

test('every step answers as Keystone 22 does', () => {
  assert.deepEqual(
    steps.map((s) => s.label),
    golden.steps.map((s) => s.label),
  )
  for (const [i, ours] of steps.entries()) {
    const theirs = golden.steps[i] as Step
    assert.deepEqual(
      { status: ours.status, type: ours.content_type, body: normalize(ours.body, identity.url) },
      {
        status: theirs.status,
        type: theirs.content_type,
        body: normalize(theirs.body, identity.url),
      },
      ours.label,
    )
  }
})
