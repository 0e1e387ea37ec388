/**
 * A trust-scoped user token through the middleware. keystonemiddleware sets no trust header of its
 * own (auth_token/_request.py has none): the trust is visible to the service through the validated
 * token (`keystone.token_auth`'s AccessInfo there, `identityOf(req).user.trust` here), while the
 * usual identity headers describe the token's user (the trustor, with impersonation) on the
 * trust's project with the delegated roles. Identity is a loopback stand-in answering the
 * hand-made token body in test/support/fixtures (Baton does not issue trust-scoped tokens yet).
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { after, before, test } from 'node:test'
import { json, type Loopback, startLoopback } from '../client/support.ts'
import { call, type Guarded, startGuarded } from './support.ts'

const TRUST_BODY = JSON.parse(
  readFileSync(new URL('../support/fixtures/trust_scoped_token.json', import.meta.url), 'utf8'),
)
const SERVICE_BODY = {
  token: {
    methods: ['password'],
    user: { id: 'svc', name: 'nova', domain: { id: 'default', name: 'Default' } },
    project: { id: 'service', name: 'service', domain: { id: 'default', name: 'Default' } },
    roles: [{ id: 'r-service', name: 'service' }],
    expires_at: '2030-01-01T01:00:00.000000Z',
    issued_at: '2030-01-01T00:00:00.000000Z',
    audit_ids: ['svc'],
    catalog: [] as unknown[],
  },
}

let identity: Loopback
let guarded: Guarded

before(async () => {
  identity = await startLoopback((req, res) => {
    SERVICE_BODY.token.catalog = [
      {
        type: 'identity',
        endpoints: ['public', 'internal', 'admin'].map((i) => ({
          interface: i,
          url: `${identity.url}/v3`,
          region: 'RegionOne',
        })),
      },
    ]
    if (req.method === 'POST' && req.url === '/v3/auth/tokens') {
      res.setHeader('X-Subject-Token', 'service-token')
      json(res, 201, SERVICE_BODY)
    } else if (
      req.url.startsWith('/v3/auth/tokens') &&
      req.headers['x-subject-token'] === 'trust'
    ) {
      res.setHeader('X-Subject-Token', 'trust')
      json(res, 200, TRUST_BODY)
    } else {
      json(res, 404, { error: { code: 404, title: 'Not Found', message: 'no token' } })
    }
  })
  guarded = await startGuarded({
    options: {
      www_authenticate_uri: `${identity.url}/v3`,
      auth_type: 'v3token',
      auth_url: `${identity.url}/v3`,
      token: 'bootstrap',
    },
    clock: { now: () => Date.UTC(2030, 0, 1, 0, 10) },
  })
})
after(async () => {
  await guarded?.close()
  await identity?.close()
})

test('a trust-scoped token passes with the trustor’s headers; the trust is on the identity', async () => {
  const res = await call(guarded.url, {
    'X-Auth-Token': 'trust',
    'X-Trust-Id': 'forged-but-unread',
  })
  assert.equal(res.status, 200, res.body)
  const h = res.identity ?? {}
  assert.equal(h['x-identity-status'], 'Confirmed')
  assert.equal(h['x-user-id'], 'a11ce000000000000000000000000001')
  assert.equal(h['x-project-id'], 'de30000000000000000000000000000d')
  assert.equal(h['x-roles'], 'member,reader')
  // no header of keystonemiddleware's names the trust; a client's own X-Trust-Id is not ours
  assert.deepEqual(
    Object.keys(h).filter((k) => k.includes('trust') && k !== 'x-trust-id'),
    [],
  )
  const user = guarded.lastIdentity()?.user
  assert.equal(user?.trustScoped, true)
  assert.deepEqual(user?.trust, {
    id: '7e57000000000000000000000000beef',
    impersonation: true,
    trusteeUserId: 'b0b00000000000000000000000000002',
    trustorUserId: 'a11ce000000000000000000000000001',
  })
})
