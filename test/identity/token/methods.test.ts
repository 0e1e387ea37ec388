import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  DEFAULT_AUTH_METHODS,
  MethodCodec,
  PSEUDO_METHOD_BITS,
} from '../../../packages/identity/src/index.ts'
import { trueDivide } from '../../../packages/identity/src/token/py_division.ts'
import { fixture } from '../support/keystone_fixture.ts'

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

describe('methods bitmask decode in doubles', () => {
  /** keystone's walk in exact bigints, as MethodCodec.decode did before its double path. */
  function reference(configured: readonly string[], value: bigint): string[] {
    const map = new Map<bigint, string>()
    for (const [i, name] of configured.entries()) map.set(1n << BigInt(i), name)
    for (const [bit, name] of PSEUDO_METHOD_BITS) map.set(bit, name)
    const bits = [...map.keys()].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0))
    const methods: string[] = []
    let rest = value
    for (const bit of bits) {
      if (value !== 0n && Math.trunc(trueDivide(rest, bit)) === 1) {
        methods.push(map.get(bit) ?? '')
        rest -= bit
      }
    }
    return methods
  }

  it('decodes like the bigint walk for small, huge, negative and near-2^53 values', () => {
    const configs = [
      [...DEFAULT_AUTH_METHODS],
      Array.from({ length: 40 }, (_, i) => `m${i}`),
      Array.from({ length: 60 }, (_, i) => `m${i}`), // bits past 2^53: the bigint walk only
    ]
    const values = [0n, 1n, 2n, 3n, 6n, 63n, 64n, 66n, -1n, -6n, 2n ** 32n, 2n ** 33n + 2n]
    for (const e of [52n, 53n, 54n, 64n]) {
      for (const d of [-2n, -1n, 0n, 1n, 2n]) values.push(2n ** e + d, -(2n ** e) + d)
    }
    for (let i = 0; i < 500; i++) values.push(BigInt(Math.floor(Math.random() * 2 ** 40)))
    for (const config of configs) {
      const codec = new MethodCodec(config)
      for (const value of values) {
        assert.deepStrictEqual(codec.decode(value), reference(config, value), String(value))
      }
    }
  })
})
