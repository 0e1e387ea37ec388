import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { packId, pyUuidBytes, unpackId } from '../../../packages/identity/src/token/uuid_py.ts'
import { fixture, hex } from '../support/keystone_fixture.ts'

describe('uuid.UUID(str) acceptance, as CPython 3.11 decides', () => {
  it(`agrees with Python on all ${fixture.uuid_cases.length} generated strings`, () => {
    const positives = fixture.uuid_cases.filter((c) => c.bytes_hex !== null).length
    assert.ok(positives > 30 && positives < fixture.uuid_cases.length - 300)
    for (const c of fixture.uuid_cases) {
      const bytes = pyUuidBytes(c.input)
      assert.equal(bytes === null ? null : hex(bytes), c.bytes_hex, JSON.stringify(c.input))
    }
  })

  it('takes the lenient spellings Python takes', () => {
    const zero = '00000000000000000000000000000000'
    assert.equal(
      hex(pyUuidBytes(`urn:uuid:{${'ab'.repeat(16)}}`) ?? new Uint8Array()),
      'ab'.repeat(16),
    )
    assert.equal(hex(pyUuidBytes(` +${'0'.repeat(29)}1`) ?? new Uint8Array()), `${zero.slice(1)}1`)
    assert.equal(hex(pyUuidBytes('0x_00000000000000000000000000000') ?? new Uint8Array()), zero)
    assert.equal(hex(pyUuidBytes('٠'.repeat(32)) ?? new Uint8Array()), zero)
    assert.equal(pyUuidBytes(`${'0'.repeat(31)}\u200b`), null)
    assert.equal(pyUuidBytes(`URN:UUID:${zero}`), null)
    assert.equal(pyUuidBytes('0123456789abcdef'), null)
  })
})

describe('(is_stored_as_bytes, id) pairs', () => {
  it('packs UUIDs as 16 bytes, anything else as given', () => {
    const [flag, value] = packId('9A2CD4EC-1BD7-4A8D-8B6F-1C1E2E0A1B2C')
    assert.equal(flag, true)
    assert.ok(value instanceof Uint8Array)
    assert.equal(hex(value), '9a2cd4ec1bd74a8d8b6f1c1e2e0a1b2c')
    assert.deepStrictEqual(packId('0123456789abcdef'), [false, '0123456789abcdef'])
    assert.deepStrictEqual(packId(null), [false, null])
  })

  it('unpacks strictly typed pairs only', () => {
    assert.equal(unpackId([true, new Uint8Array(16)], 'id'), '0'.repeat(32))
    assert.equal(unpackId([false, 'x'], 'id'), 'x')
    assert.equal(unpackId([false, Buffer.from('ü')], 'id'), 'ü')
    assert.equal(unpackId([false, null], 'id'), null)
    for (const bad of [
      [true, new Uint8Array(15)],
      [true, '0123456789abcdef'],
      [1n, new Uint8Array(16)],
      [false, 5n],
      [false, Uint8Array.of(0xff)],
      [false, 'x', null],
      'xx',
    ]) {
      assert.throws(() => unpackId(bad, 'user_id'), /user_id/)
    }
  })
})
