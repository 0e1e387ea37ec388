import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { trueDivide } from '../../../packages/identity/src/token/py_division.ts'
import { expiresFromFloat, expiresToFloat } from '../../../packages/identity/src/token/time_py.ts'
import { fixture } from '../support/keystone_fixture.ts'

function floatHex(value: number): string {
  const view = new DataView(new ArrayBuffer(8))
  view.setFloat64(0, value)
  return Buffer.from(view.buffer).toString('hex')
}

function fromHex(h: string): number {
  return Buffer.from(h, 'hex').readDoubleBE(0)
}

describe('expires_at conversions, as Keystone 22 on CPython 3.11 does them', () => {
  for (const c of fixture.time_cases.to_float) {
    it(`string -> float: ${JSON.stringify(c.input)}`, () => {
      if (c.float_hex === undefined)
        assert.throws(() => expiresToFloat(c.input), { name: 'ValidationError' })
      else assert.equal(floatHex(expiresToFloat(c.input)), c.float_hex)
    })
  }

  it('float -> string for every fixture float', () => {
    for (const c of fixture.time_cases.from_float) {
      const value = fromHex(c.float_hex)
      if (c.iso === undefined) assert.throws(() => expiresFromFloat(value), String(value))
      else assert.equal(expiresFromFloat(value), c.iso, String(value))
    }
  })

  it('takes a Date as its milliseconds', () => {
    assert.equal(expiresToFloat(new Date('2030-01-01T12:00:00.123Z')), 1893499200.123)
  })
})

describe('Python int / int', () => {
  it('rounds once, half to even, past 2^53', () => {
    assert.equal(trueDivide(2n ** 64n - 1n, 1n), 2 ** 64)
    assert.equal(trueDivide(2n ** 53n + 1n, 1n), 2 ** 53) // tie -> even
    assert.equal(trueDivide(2n ** 53n + 3n, 1n), 2 ** 53 + 4) // tie -> even
    assert.equal(trueDivide(2n ** 54n + 3n, 2n), 2 ** 53 + 2) // 2^53 + 1.5 -> nearest
    assert.equal(trueDivide(253402300799999999n, 1000000n), 253402300800)
    assert.equal(trueDivide(-7n, 2n), -3.5)
    assert.equal(trueDivide(0n, 5n), 0)
  })
})
