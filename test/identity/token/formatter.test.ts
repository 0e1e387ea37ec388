import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MultiFernet } from '@baton/fernet'
import {
  KeysNotFound,
  keystoneErrorBody,
  type PayloadFields,
  selectPayloadVersion,
  TokenFormatter,
  TokenNotFound,
  TokenPayloadError,
} from '../../../packages/identity/src/index.ts'
import { formatterFor } from '../support/keystone_fixture.ts'

const KEY_A = 'cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4='
const KEY_B = Buffer.alloc(32, 7).toString('base64url')
const USER = '9a2cd4ec1bd74a8d8b6f1c1e2e0a1b2c'
const PROJECT = 'f1e2d3c4b5a697887766554433221100'
const AUDIT = 'AAECAwQFBgcICQoLDA0ODw'
const FIELDS: PayloadFields = {
  userId: USER,
  projectId: PROJECT,
  methods: ['password'],
  expiresAt: '2030-01-01T12:00:00Z',
  auditIds: [AUDIT],
}

function swappableKeys(keys: string[]) {
  let current = new MultiFernet(keys)
  return {
    provider: { current: () => current },
    swap(next: string[]) {
      current = new MultiFernet(next)
    },
  }
}

describe('TokenFormatter', () => {
  it('reproduces the reference worked vector (spec key, IV 00..0f, 2030-01-01T10:00:00Z)', () => {
    const keys = swappableKeys([KEY_A])
    const formatter = new TokenFormatter({
      keys: keys.provider,
      methods: ['external', 'password'],
      defaultDomainId: 'default',
    })
    const created = formatter.createToken(FIELDS, {
      now: 1893492000,
      iv: Uint8Array.from({ length: 16 }, (_, i) => i),
    })
    assert.equal(
      created.token,
      'gAAAAABw3GUgAAECAwQFBgcICQoLDA0OD2CKTG8EvNfgBHkEMzkd2A9qEG1K7fS1WqclgxtuuvWeUJaVROYxPRm' +
        'STC7AK8RddFOrToRZzd2Q35s-qW-KHf_lR8J3I5xTA3_OWBtdzWFOP2Z22MIbizsRAC1LMXxFzbLsLjgRoHm5btK' +
        'oxFq3B2g',
    )
    assert.equal(created.issuedAt, '2030-01-01T10:00:00.000000Z')
    assert.equal(created.expiresAt, '2030-01-01T12:00:00.000000Z')
    assert.equal(created.version, 2)
  })

  it('hands back with each new token exactly what validating it decodes to', () => {
    const formatter = formatterFor({}, { now: () => Date.UTC(2031, 5, 1, 8, 30, 15, 999) })
    const variants: PayloadFields[] = [
      FIELDS,
      { ...FIELDS, projectId: null, domainId: 'default' },
      { ...FIELDS, projectId: null, domainId: PROJECT.toUpperCase() },
      { ...FIELDS, projectId: null, system: 'all' },
      { ...FIELDS, projectId: null },
      { ...FIELDS, userId: USER.toUpperCase(), methods: ['password', 'token'] },
      { ...FIELDS, userId: 'not-a-uuid', auditIds: [AUDIT, 'BBECAwQFBgcICQoLDA0ODw'] },
      { ...FIELDS, methods: ['application_credential'], appCredId: PROJECT },
      { ...FIELDS, expiresAt: new Date(Date.UTC(2031, 5, 1, 9, 30, 15, 123)) },
    ]
    for (const fields of variants) {
      const created = formatter.createToken(fields)
      assert.deepStrictEqual(created.decoded, formatter.validateToken(created.token))
    }
  })

  it('strips the padding and takes issued_at from the injected clock', () => {
    const formatter = formatterFor({}, { now: () => Date.UTC(2031, 5, 1, 8, 30, 15, 999) })
    const created = formatter.createToken(FIELDS)
    assert.doesNotMatch(created.token, /=/)
    assert.match(created.token, /^gAAAAA[A-Za-z0-9_-]+$/)
    assert.equal(created.issuedAt, '2031-06-01T08:30:15.000000Z')
    const decoded = formatter.validateToken(created.token)
    assert.equal(decoded.issuedAt, created.issuedAt)
    assert.equal(decoded.userId, USER)
    assert.deepStrictEqual(decoded.auditIds, [AUDIT])
  })

  it('asks the key provider on every call, so rotations apply at once', () => {
    const keys = swappableKeys([KEY_A])
    const formatter = new TokenFormatter({
      keys: keys.provider,
      methods: ['password'],
      defaultDomainId: 'default',
    })
    const old = formatter.createToken(FIELDS).token
    keys.swap([KEY_B, KEY_A]) // rotated: B primary, A still accepted
    assert.equal(formatter.validateToken(old).projectId, PROJECT)
    const fresh = formatter.createToken(FIELDS).token
    keys.swap([KEY_B]) // A purged
    assert.equal(formatter.validateToken(fresh).userId, USER)
    assert.throws(() => formatter.validateToken(old), {
      name: 'TokenNotFound',
      message: 'Could not recognize Fernet token',
    })
  })

  it('reports a failing key provider as KeysNotFound (500) without details in the body', () => {
    const formatter = new TokenFormatter({
      keys: {
        current: () => {
          throw new Error('/etc/keystone/fernet-keys is empty')
        },
      },
      methods: ['password'],
      defaultDomainId: 'default',
    })
    const error = (() => {
      try {
        formatter.validateToken('gAAAAA')
      } catch (e) {
        return e
      }
      return undefined
    })()
    assert.ok(error instanceof KeysNotFound)
    assert.equal(error.status, 500)
    assert.deepStrictEqual(keystoneErrorBody(error), {
      error: {
        code: 500,
        title: 'Internal Server Error',
        message: 'An unexpected error prevented the server from fulfilling your request.',
      },
    })
  })

  it('never puts the token in an error, and keeps the cause', () => {
    const formatter = formatterFor()
    const token = formatter.createToken(FIELDS).token
    const tampered = `${token.slice(0, 100)}${token[100] === 'A' ? 'B' : 'A'}${token.slice(101)}`
    try {
      formatter.validateToken(tampered)
      assert.fail('accepted a tampered token')
    } catch (error) {
      assert.ok(error instanceof TokenNotFound)
      assert.ok(error.cause !== undefined)
      for (const text of [
        error.message,
        String(error.stack),
        JSON.stringify(keystoneErrorBody(error)),
      ]) {
        assert.ok(!text.includes(tampered.slice(10, 60)))
      }
    }
    assert.throws(() => formatter.validateToken(42 as unknown as string), TokenNotFound)
  })

  describe('refuses fields no Keystone could pack or validate (TokenPayloadError)', () => {
    const formatter = formatterFor()
    const cases: [string, Partial<PayloadFields>][] = [
      ['a non-UUID trust ID', { trustId: 'not-a-uuid' }],
      ['a non-default non-UUID domain', { projectId: null, domainId: 'other' }],
      [
        'a federated system-scoped token',
        {
          projectId: null,
          system: 'all',
          federatedGroupIds: [],
          identityProviderId: 'i',
          protocolId: 'p',
        },
      ],
      ['a federated token without protocol', { federatedGroupIds: [], identityProviderId: 'i' }],
      ['three audit IDs', { auditIds: [AUDIT, AUDIT, AUDIT] }],
      ['no audit ID', { auditIds: [] }],
      ['a short audit ID', { auditIds: ['AAECAwQFBgcICQoLDA0OD'] }],
      ['a non-canonical audit ID', { auditIds: ['AAECAwQFBgcICQoLDA0ODx'] }],
      ['an unparsable expiry', { expiresAt: 'tomorrow' }],
      ['an expiry past year 9999', { expiresAt: '9999-12-31T23:59:59-01:00' }],
      ['an expiry Keystone cannot re-parse (year 999)', { expiresAt: new Date(-30610224001000) }],
      ['a lone surrogate in an ID', { userId: 'user-\ud800' }],
    ]
    for (const [name, change] of cases) {
      it(name, () => {
        assert.throws(() => formatter.createToken({ ...FIELDS, ...change }), TokenPayloadError)
      })
    }
    it('a 16-character default domain (Keystone packs it but cannot read it back)', () => {
      const f = formatterFor({ default_domain_id: 'abcdefghijklmnop' })
      assert.throws(
        () => f.createToken({ ...FIELDS, projectId: null, domainId: 'abcdefghijklmnop' }),
        TokenPayloadError,
      )
    })
  })

  it('selects the payload class in the fernet provider order', () => {
    const base = { userId: USER, methods: [], expiresAt: '2030-01-01', auditIds: [AUDIT] }
    const fed = { federatedGroupIds: [], identityProviderId: 'i', protocolId: 'p' }
    const table: [Partial<PayloadFields>, number][] = [
      [{}, 0],
      [{ system: 'all' }, 8],
      [{ domainId: 'default', system: 'all' }, 1],
      [{ projectId: PROJECT, domainId: 'default' }, 2],
      [{ projectId: PROJECT, thumbprint: 'x' }, 10],
      [{ projectId: PROJECT, thumbprint: '' }, 2],
      [{ projectId: PROJECT, appCredId: 'a', thumbprint: 'x' }, 9],
      [{ ...fed, appCredId: 'a' }, 4],
      [{ ...fed, domainId: 'd' }, 6],
      [{ ...fed, projectId: PROJECT, domainId: 'd' }, 5],
      [{ ...fed, projectId: PROJECT, trustId: USER }, 3],
      [{ ...fed, trustId: USER, accessTokenId: 'x' }, 7],
    ]
    for (const [change, version] of table) {
      assert.equal(selectPayloadVersion({ ...base, ...change }), version, JSON.stringify(change))
    }
  })
})
