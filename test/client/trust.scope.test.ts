/**
 * trust_id as keystoneauth takes it: the password and token plugins (and auth options loaded from
 * config) ask for a trust-scoped token with `{"OS-TRUST:trust": {"id": ...}}` and no other scope,
 * and AccessInfo reads a trust-scoped token's `OS-TRUST:trust` member (`trust_id`,
 * `trustee_user_id`, `trustor_user_id`, `trust_scoped`).
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { after, before, test } from 'node:test'
import { loadConfig } from '@baton/config'
import {
  AccessInfo,
  authFromOptions,
  ConfigurationError,
  PasswordAuth,
  Session,
  serviceUserGroup,
  TokenAuth,
} from '../../packages/client/src/index.ts'
import { json, type Loopback, startLoopback } from './support.ts'

const TRUST_BODY = JSON.parse(
  readFileSync(new URL('../support/fixtures/trust_scoped_token.json', import.meta.url), 'utf8'),
)
const TRUST_ID = TRUST_BODY.token['OS-TRUST:trust'].id

let identity: Loopback
before(async () => {
  identity = await startLoopback((req, res) => {
    if (req.method === 'POST' && req.url === '/v3/auth/tokens') {
      res.setHeader('X-Subject-Token', 'trust-token')
      json(res, 201, TRUST_BODY)
      return
    }
    json(res, 404, { error: { code: 404, title: 'Not Found', message: 'no' } })
  })
})
after(() => identity?.close())

const lastAuthBody = () =>
  JSON.parse(identity.received.filter((r) => r.method === 'POST').at(-1)?.body ?? '{}')

test('password and token plugins ask for a trust scope and read the trust back', async () => {
  const session = new Session({ clock: { now: () => Date.UTC(2030, 0, 1) } })
  const plugins = [
    new PasswordAuth({
      authUrl: `${identity.url}/v3`,
      userId: 'b0b00000000000000000000000000002',
      password: 'pw',
      trustId: TRUST_ID,
    }),
    new TokenAuth({ authUrl: `${identity.url}/v3`, token: 'bobs-token', trustId: TRUST_ID }),
  ]
  for (const plugin of plugins) {
    const access = await plugin.getAccess(session)
    assert.deepEqual(lastAuthBody().auth.scope, { 'OS-TRUST:trust': { id: TRUST_ID } })
    assert.equal(access.trustScoped, true)
    assert.deepEqual(access.trust, {
      id: TRUST_ID,
      impersonation: true,
      trusteeUserId: 'b0b00000000000000000000000000002',
      trustorUserId: 'a11ce000000000000000000000000001',
    })
    assert.equal(access.userId, 'a11ce000000000000000000000000001')
    assert.equal(access.projectId, 'de30000000000000000000000000000d')
  }
})

test('trust_id excludes every other scope, as keystoneauth does', () => {
  const base = { authUrl: 'http://k/v3', token: 't', trustId: TRUST_ID }
  for (const other of [{ projectId: 'p' }, { domainId: 'd' }, { systemScope: 'all' }]) {
    assert.throws(
      () => new TokenAuth({ ...base, ...other }),
      (e: Error) => e instanceof ConfigurationError && /only one scope/.test(e.message),
    )
  }
})

test('auth options load trust_id for password and token, never for an application credential', () => {
  const values = (lines: string[]) =>
    loadConfig({
      files: [],
      overrides: {
        service_user: Object.fromEntries(lines.map((l) => l.split(' = ') as [string, string])),
      },
      groups: [serviceUserGroup],
    }).get(serviceUserGroup)
  const token = authFromOptions(
    values([
      'auth_type = v3token',
      'auth_url = http://k/v3',
      'token = t',
      `trust_id = ${TRUST_ID}`,
    ]),
    'service_user',
  )
  assert.ok(token instanceof TokenAuth)
  assert.throws(
    () =>
      authFromOptions(
        values([
          'auth_type = v3applicationcredential',
          'auth_url = http://k/v3',
          'application_credential_id = ac',
          'application_credential_secret = s',
          `trust_id = ${TRUST_ID}`,
        ]),
        'service_user',
      ),
    /\[service_user\] trust_id cannot be used with an application credential/,
  )
})

test('a token without OS-TRUST:trust is not trust-scoped; a malformed member is ignored', () => {
  const plain = AccessInfo.fromTokenResponse('t', {
    token: { expires_at: '2030-01-01T00:00:00Z' },
  })
  assert.equal(plain.trustScoped, false)
  assert.equal(plain.trust, undefined)
  const odd = AccessInfo.fromTokenResponse('t', {
    token: { expires_at: '2030-01-01T00:00:00Z', 'OS-TRUST:trust': { id: 7 } },
  })
  assert.equal(odd.trust, undefined)
})
