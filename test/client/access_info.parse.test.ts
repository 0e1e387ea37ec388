/**
 * AccessInfo reads a v3 token document as keystoneauth's AccessInfoV3 does: typed fields, defaults
 * (is_admin_project true when absent), expiry arithmetic, and InvalidTokenBody for anything that is
 * not a token document. Serialising it never reveals the token.
 * @module
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { inspect } from 'node:util'
import { AccessInfo, InvalidTokenBody } from '../../packages/client/src/index.ts'

const EXPIRES = '2030-01-01T00:10:00.000000Z'
const body = (token: Record<string, unknown>) => ({ token: { expires_at: EXPIRES, ...token } })

test('a full project token document', () => {
  const raw = body({
    issued_at: '2030-01-01T00:00:00.000000Z',
    methods: ['password', 'token'],
    audit_ids: ['a1', 'a2'],
    user: { id: 'u1', name: 'alice', domain: { id: 'd1', name: 'Dom' } },
    project: { id: 'p1', name: 'demo', domain: { id: 'd2', name: 'Dom2' } },
    roles: [
      { id: 'r1', name: 'member' },
      { id: 'r2', name: 'reader' },
    ],
    is_admin_project: false,
    catalog: [
      {
        type: 'identity',
        id: 's1',
        name: 'keystone',
        endpoints: [
          { interface: 'public', region_id: 'R', region: 'R', url: 'http://k/v3', id: 'e1' },
        ],
      },
    ],
    bind: { kerberos: 'alice@REALM' },
    application_credential: {
      id: 'ac1',
      name: 'cred',
      restricted: true,
      access_rules: [
        { id: 'x', service: 'compute', method: 'GET', path: '/servers' },
        { bogus: true },
      ],
    },
  })
  const a = AccessInfo.fromTokenResponse('tok-1', raw)
  assert.equal(a.token, 'tok-1')
  assert.equal(a.body, raw, 'the body is kept as received')
  assert.equal(a.expiresAt.toISOString(), '2030-01-01T00:10:00.000Z')
  assert.equal(a.issuedAt?.toISOString(), '2030-01-01T00:00:00.000Z')
  assert.deepEqual(
    [a.userId, a.userName, a.userDomainId, a.userDomainName],
    ['u1', 'alice', 'd1', 'Dom'],
  )
  assert.deepEqual(
    [a.projectId, a.projectName, a.projectDomainId, a.projectDomainName],
    ['p1', 'demo', 'd2', 'Dom2'],
  )
  assert.deepEqual([a.domainId, a.domainName, a.systemAll], [undefined, undefined, false])
  assert.deepEqual(a.roleNames, ['member', 'reader'])
  assert.deepEqual(a.roleIds, ['r1', 'r2'])
  assert.equal(a.isAdminProject, false)
  assert.deepEqual(a.auditIds, ['a1', 'a2'])
  assert.deepEqual(a.methods, ['password', 'token'])
  assert.deepEqual(a.bind, { kerberos: 'alice@REALM' })
  assert.deepEqual(a.catalog, [
    {
      type: 'identity',
      id: 's1',
      name: 'keystone',
      endpoints: [
        { interface: 'public', region_id: 'R', region: 'R', url: 'http://k/v3', id: 'e1' },
      ],
    },
  ])
  assert.deepEqual(a.applicationCredential, {
    id: 'ac1',
    name: 'cred',
    restricted: true,
    accessRules: [{ id: 'x', service: 'compute', method: 'GET', path: '/servers' }],
  })
})

test('defaults: is_admin_project true when absent, no catalog, domain and system scopes', () => {
  const domain = AccessInfo.fromTokenResponse(
    't',
    body({ domain: { id: 'd', name: 'D' }, roles: [] }),
  )
  assert.equal(domain.isAdminProject, true)
  assert.equal(domain.catalog, undefined)
  assert.equal(domain.applicationCredential, undefined)
  assert.equal(domain.bind, undefined)
  assert.deepEqual([domain.domainId, domain.domainName, domain.projectId], ['d', 'D', undefined])
  assert.equal(AccessInfo.fromTokenResponse('t', body({ system: { all: true } })).systemAll, true)
  assert.equal(AccessInfo.fromTokenResponse('t', body({ system: { all: 'yes' } })).systemAll, false)
  assert.deepEqual(AccessInfo.fromTokenResponse('t', body({ catalog: [] })).catalog, [])
})

test('willExpireSoon: expires < now + stale (default 30 s)', () => {
  const a = AccessInfo.fromTokenResponse('t', body({}))
  const expires = Date.parse(EXPIRES)
  assert.equal(a.willExpireSoon(expires - 31_000), false)
  assert.equal(a.willExpireSoon(expires - 30_000), false, 'exactly 30 s left is not "soon"')
  assert.equal(a.willExpireSoon(expires - 29_999), true)
  assert.equal(a.willExpireSoon(expires - 1, 0), false)
  assert.equal(a.willExpireSoon(expires + 1, 0), true)
  assert.equal(a.willExpireSoon(expires - 119_000, 120), true)
})

test('anything but a token document is InvalidTokenBody', () => {
  const bad: unknown[] = [
    null,
    'x',
    [],
    {},
    { token: null },
    { token: [] },
    { token: {} },
    { token: { expires_at: 'soon' } },
    { token: { expires_at: 5 } },
  ]
  for (const b of bad) {
    assert.throws(() => AccessInfo.fromTokenResponse('t', b), InvalidTokenBody, JSON.stringify(b))
  }
  assert.throws(() => AccessInfo.fromTokenResponse('', body({})), InvalidTokenBody)
})

test('JSON and inspection never reveal the token', () => {
  const a = AccessInfo.fromTokenResponse('gAAAAA-super-secret', body({ user: { id: 'u' } }))
  assert.ok(!JSON.stringify(a).includes('super-secret'))
  assert.deepEqual(JSON.parse(JSON.stringify(a)), {
    userId: 'u',
    expiresAt: '2030-01-01T00:10:00.000Z',
  })
  assert.ok(!inspect(a).includes('super-secret'))
  assert.ok(!inspect({ nested: [a] }, { depth: 5 }).includes('super-secret'))
  assert.match(inspect(a), /"userId":"u"/)
})
