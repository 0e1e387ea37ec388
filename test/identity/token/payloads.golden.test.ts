import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MethodCodec } from '../../../packages/identity/src/token/methods.ts'
import { packPy } from '../../../packages/identity/src/token/msgpack_py.ts'
import {
  assemblePayload,
  selectPayloadVersion,
} from '../../../packages/identity/src/token/payloads.ts'
import {
  decodedFrom,
  fixture,
  formatterFor,
  hex,
  tokenFields,
} from '../support/keystone_fixture.ts'

describe('payloads match Keystone 22 byte for byte', () => {
  for (const c of fixture.cases) {
    it(`${c.name}: same version, msgpack, token, and validation`, () => {
      const fields = tokenFields(c.fields)
      const ctx = {
        methods: new MethodCodec(c.config.methods),
        defaultDomainId: c.config.default_domain_id,
      }
      const version = selectPayloadVersion(fields)
      assert.equal(version, c.version)
      assert.equal(hex(packPy(assemblePayload(version, fields, ctx))), c.msgpack_hex)

      const formatter = formatterFor(c.config)
      const created = formatter.createToken(fields, {
        now: c.now,
        iv: Buffer.from(c.iv_hex, 'hex'),
      })
      assert.equal(created.token, c.token, 'same Fernet token as Keystone (clock and IV pinned)')
      assert.equal(created.issuedAt, c.expected.issued_at)
      assert.equal(created.expiresAt, c.expected.expires_at)

      assert.deepStrictEqual(formatter.validateToken(c.token), decodedFrom(c.version, c.expected))
    })
  }

  it('covers every payload version 0-10 with several inputs', () => {
    const perVersion = new Map<number, number>()
    for (const c of fixture.cases) perVersion.set(c.version, (perVersion.get(c.version) ?? 0) + 1)
    for (let v = 0; v <= 10; v++) assert.ok((perVersion.get(v) ?? 0) >= 2, `version ${v}`)
  })

  it('matches Keystone 22 validate_token verbatim for versions 0-9', () => {
    for (const c of fixture.cases.filter((x) => x.version < 10)) {
      assert.ok('ok' in c.keystone, c.name)
      assert.deepStrictEqual(c.keystone.ok, c.expected)
    }
  })

  it('version 10 is upstream-only: Keystone 22 itself rejects it', () => {
    for (const c of fixture.cases.filter((x) => x.version === 10)) {
      assert.deepStrictEqual(c.keystone, {
        error: 'ValidationError: This is not a recognized Fernet payload version: 10',
      })
    }
  })

  it('reproduces the worked vector of the reference notes (section 2.4)', () => {
    const fields = {
      userId: '9a2cd4ec1bd74a8d8b6f1c1e2e0a1b2c',
      projectId: 'f1e2d3c4b5a697887766554433221100',
      methods: ['password'],
      expiresAt: '2030-01-01T12:00:00Z',
      auditIds: ['AAECAwQFBgcICQoLDA0ODw'],
    }
    const ctx = { methods: new MethodCodec(), defaultDomainId: 'default' }
    assert.equal(
      hex(packPy(assemblePayload(2, fields, ctx))),
      '960292c3c4109a2cd4ec1bd74a8d8b6f1c1e2e0a1b2c0292c3c410f1e2d3c4b5a697887766554433221100' +
        'cb41dc37205000000091c410000102030405060708090a0b0c0d0e0f',
    )
  })
})
