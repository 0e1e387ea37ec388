import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { describe, it } from 'node:test'
import {
  MsgpackFormatError,
  MsgpackUnicodeError,
  type PyValue,
  packPy,
  unpackPy,
} from '../../../packages/identity/src/token/msgpack_py.ts'
import { fixture, hex, type ValueSpec } from '../support/keystone_fixture.ts'

function build(spec: ValueSpec): PyValue {
  switch (spec.t) {
    case 'nil':
      return null
    case 'bool':
      return spec.v
    case 'int':
      return BigInt(spec.v)
    case 'float':
      return Buffer.from(spec.hex, 'hex').readDoubleBE(0)
    case 'str':
      return spec.v.repeat(spec.n ?? 1)
    case 'bin':
      return Uint8Array.from(Buffer.from(spec.hex.repeat(spec.n ?? 1), 'hex'))
    case 'array':
      return Array.from({ length: spec.n ?? 1 }, () => spec.v.map(build)).flat()
  }
}

const unhex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replaceAll(' ', ''), 'hex'))

describe('packPy writes what Python msgpack.packb writes', () => {
  for (const c of fixture.msgpack_cases) {
    it(`${JSON.stringify(c.spec).slice(0, 70)} (${c.length} bytes)`, () => {
      const value = build(c.spec)
      const packed = packPy(value)
      assert.equal(packed.length, c.length)
      if (c.hex !== undefined) assert.equal(hex(packed), c.hex)
      else assert.equal(hex(packed.subarray(0, 8)), c.head_hex)
      assert.equal(createHash('sha256').update(packed).digest('hex'), c.sha256)
      assert.deepStrictEqual(unpackPy(packed), value, 'decodes back to the same Python-typed value')
    })
  }

  it('always writes float64 for floats, even integral ones', () => {
    assert.equal(hex(packPy(1893499200)), 'cb41dc372050000000')
    assert.equal(hex(packPy(1893499200n)), 'ce70dc8140')
  })

  it('refuses what Python cannot pack', () => {
    assert.throws(() => packPy('\ud800'), MsgpackFormatError)
    assert.throws(() => packPy(2n ** 64n), MsgpackFormatError)
    assert.throws(() => packPy(-(2n ** 63n) - 1n), MsgpackFormatError)
  })
})

describe('unpackPy accepts only what payloads use', () => {
  const reject: [string, string][] = [
    ['fixmap', '81 00 00'],
    ['map16', 'de 00 00'],
    ['map32', 'df 00 00 00 00'],
    ['fixext1', 'd4 01 00'],
    ['ext8', 'c7 01 01 00'],
    ['reserved c1', 'c1'],
    ['trailing byte', '90 c0'],
    ['empty input', ''],
    ['truncated str', 'a5 61 62'],
    ['truncated float', 'cb 41 dc'],
    ['array longer than input', 'dd ff ff ff ff c0'],
    ['four levels of arrays', '91 91 91 91 c0'],
  ]
  for (const [name, bytes] of reject) {
    it(`rejects ${name}`, () => {
      assert.throws(() => unpackPy(unhex(bytes)), MsgpackFormatError)
    })
  }

  it('rejects every truncation of a real payload', () => {
    const payload = unhex(fixture.cases[0]?.msgpack_hex ?? '')
    for (let n = 0; n < payload.length; n++) {
      assert.throws(() => unpackPy(payload.subarray(0, n)), MsgpackFormatError, `${n} bytes`)
    }
  })

  it('signals non-UTF-8 str so the caller can retry with raw=True', () => {
    assert.throws(() => unpackPy(unhex('92 a2 ff fe c4 01 00')), MsgpackUnicodeError)
    assert.deepStrictEqual(unpackPy(unhex('92 a2 ff fe c4 01 00'), { raw: true }), [
      Uint8Array.of(0xff, 0xfe),
      Uint8Array.of(0),
    ])
  })

  it('keeps a leading BOM and reads float32 as a float', () => {
    assert.equal(unpackPy(unhex('a3 ef bb bf')), '\ufeff')
    assert.equal(unpackPy(unhex('ca 44 80 10 00')), 1024.5)
  })
})
