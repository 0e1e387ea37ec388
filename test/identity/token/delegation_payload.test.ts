/**
 * Baton's delegation payload (version 64): what it packs (the version, then user, methods,
 * project, expiry, audit ids, delegation id, as Keystone's slots pack them), that it decodes back to
 * the same fields and to a `delegation` Scope, and that the formatter refuses fields that would
 * make a delegation anything but project-scoped. Keystone's refusal of it is in
 * keystone_roundtrip.process.test.ts.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { generateKey, MultiFernet } from '@baton/fernet'
import { TokenPayloadError } from '../../../packages/identity/src/errors.ts'
import { unpackPy } from '../../../packages/identity/src/token/msgpack_py.ts'
import { payloadFieldsOf, scopeOfPayload } from '../../../packages/identity/src/token/payloads.ts'
import { TokenFormatter } from '../../../packages/identity/src/token/token_formatter.ts'

const fernet = new MultiFernet([generateKey()])
const formatter = new TokenFormatter({
  keys: { current: () => fernet },
  methods: ['external', 'password', 'token', 'oauth1', 'mapped', 'application_credential'],
  defaultDomainId: 'default',
})

const USER = 'c0ffeec0ffeec0ffeec0ffeec0ffee00'
const PROJECT = 'aaaaaaaabbbbbbbbccccccccdddddddd'
const DELEGATION = '0123456789abcdef0123456789abcdef'
const AUDIT = ['ZGVsZWdhdGlvbmF1ZGl0MQ', 'cm9vdGF1ZGl0Y2hhaW4xMQ']

test('a delegation scope packs as version 64 and decodes to the same fields and scope', () => {
  const fields = payloadFieldsOf({
    userId: USER,
    methods: ['password', 'token'],
    expiresAt: new Date(Date.UTC(2031, 0, 1)),
    auditIds: AUDIT,
    scope: { kind: 'delegation', delegationId: DELEGATION, projectId: PROJECT },
    appCredId: null,
  })
  const created = formatter.createToken(fields, { now: Date.UTC(2030, 0, 1) / 1000 })
  assert.equal(created.version, 64)
  const decoded = formatter.validateToken(created.token)
  assert.equal(decoded.version, 64)
  assert.equal(decoded.userId, USER)
  assert.equal(decoded.projectId, PROJECT)
  assert.equal(decoded.delegationId, DELEGATION)
  assert.deepEqual(decoded.auditIds, AUDIT)
  assert.deepEqual([...decoded.methods].sort(), ['password', 'token'])
  assert.equal(decoded.expiresAt, '2031-01-01T00:00:00.000000Z')
  assert.equal(decoded.trustId, null)
  assert.equal(decoded.appCredId, null)
  assert.deepEqual(scopeOfPayload(decoded), {
    kind: 'delegation',
    delegationId: DELEGATION,
    projectId: PROJECT,
  })
  assert.deepEqual(decoded, created.decoded)
})

test('the wire: [64, user, methods, project, expires, audit_ids, delegation], UUIDs as bytes', () => {
  const { token } = formatter.createToken({
    userId: USER,
    methods: ['password'],
    expiresAt: '2031-01-01T00:00:00Z',
    auditIds: AUDIT,
    projectId: PROJECT,
    delegationId: DELEGATION,
  })
  const padded = token + '='.repeat((4 - (token.length % 4)) % 4)
  const plain = fernet.decrypt(padded).plaintext
  const array = unpackPy(plain) as unknown[]
  assert.equal(array.length, 7)
  assert.equal(array[0], 64n)
  assert.deepEqual(array[6], [true, Buffer.from(DELEGATION, 'hex')])
  assert.deepEqual(array[3], [true, Buffer.from(PROJECT, 'hex')])
})

test('a delegation without a project, or with a trust or application credential, is refused', () => {
  const base = {
    userId: USER,
    methods: ['password'],
    expiresAt: '2031-01-01T00:00:00Z',
    auditIds: AUDIT,
    delegationId: DELEGATION,
  }
  assert.throws(() => formatter.createToken(base), TokenPayloadError)
  assert.throws(
    () => formatter.createToken({ ...base, projectId: PROJECT, trustId: 'abc' }),
    TokenPayloadError,
  )
  assert.throws(
    () => formatter.createToken({ ...base, projectId: PROJECT, appCredId: DELEGATION }),
    TokenPayloadError,
  )
})
