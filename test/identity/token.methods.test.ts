import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DEFAULT_AUTH_METHODS, MethodCodec } from '../../packages/identity/src/index.ts'
import { fixture } from './support/keystone_fixture.ts'

describe('methods bitmask, as keystone/auth/plugins/core.py computes it', () => {
  for (const c of fixture.method_cases) {
    it(`[auth] methods = ${c.config.join(',')}`, () => {
      const codec = new MethodCodec(c.config)
      for (const e of c.encode)
        assert.equal(codec.encode(e.methods), BigInt(e.int), e.methods.join(','))
      for (const d of c.decode)
        assert.deepStrictEqual(codec.decode(BigInt(d.int)), d.methods, d.int)
    })
  }

  it('defaults to keystone/conf/constants.py order and decodes highest bit first', () => {
    assert.deepStrictEqual(DEFAULT_AUTH_METHODS, [
      'external',
      'password',
      'token',
      'oauth1',
      'mapped',
      'application_credential',
    ])
    const codec = new MethodCodec()
    assert.equal(codec.encode(['password', 'token']), 6n)
    assert.deepStrictEqual(codec.decode(6n), ['token', 'password'])
    assert.equal(codec.encode(['totp']), 0n)
    assert.equal(codec.encode(['ec2credential']), 2n ** 32n)
  })
})
