import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { type PyValue, packPy, unpackPy } from '../../../packages/identity/src/token/msgpack_py.ts'
import { Rng, validateOrReject } from '../support/fuzz.ts'
import { fixture, formatterFor, keystoneKeys } from '../support/keystone_fixture.ts'

const formatter = formatterFor()
const validate = (token: string) => formatter.validateToken(token)
const seal = (payload: Uint8Array): string =>
  keystoneKeys.encrypt(payload, { now: 1893492000 }).replace(/=+$/, '')

const seeds = [...fixture.cases, ...fixture.edge_cases].map((c) =>
  Uint8Array.from(Buffer.from(c.msgpack_hex, 'hex')),
)
const TYPE_BYTES = [
  0x00, 0x01, 0x7f, 0x80, 0x81, 0x90, 0x91, 0x92, 0x9f, 0xa0, 0xa7, 0xbf, 0xc0, 0xc1, 0xc2, 0xc3,
  0xc4, 0xc5, 0xc6, 0xc7, 0xca, 0xcb, 0xcc, 0xcf, 0xd0, 0xd3, 0xd4, 0xd9, 0xda, 0xdb, 0xdc, 0xdd,
  0xde, 0xdf, 0xe0, 0xff,
]

function mutateBytes(rng: Rng, input: Uint8Array): Uint8Array {
  let bytes = [...input]
  const rounds = 1 + rng.int(4)
  for (let r = 0; r < rounds; r++) {
    const at = rng.int(bytes.length + 1)
    switch (rng.int(8)) {
      case 0:
        if (bytes.length > 0)
          bytes[at % bytes.length] = (bytes[at % bytes.length] ?? 0) ^ (1 << rng.int(8))
        break
      case 1:
        bytes[at % Math.max(bytes.length, 1)] = rng.int(256)
        break
      case 2:
        bytes[at % Math.max(bytes.length, 1)] = rng.pick(TYPE_BYTES)
        break
      case 3:
        bytes.splice(at, 0, rng.pick(TYPE_BYTES))
        break
      case 4:
        bytes.splice(at, 1 + rng.int(3))
        break
      case 5:
        bytes = bytes.slice(0, at)
        break
      case 6:
        bytes.push(...rng.bytes(1 + rng.int(4)))
        break
      default: {
        const from = rng.int(bytes.length + 1)
        bytes.splice(at, 0, ...bytes.slice(from, from + 1 + rng.int(18)))
      }
    }
  }
  return Uint8Array.from(bytes)
}

function randomLeaf(rng: Rng): PyValue {
  switch (rng.int(9)) {
    case 0:
      return null
    case 1:
      return rng.int(2) === 0
    case 2:
      return BigInt(rng.int(20) - 4)
    case 3:
      return [2n ** 32n, 2n ** 64n - 1n, -(2n ** 63n), 66n][rng.int(4)] ?? 0n
    case 4:
      return [1893499200.5, -0.5, Number.NaN, 1e300, 253402300800][rng.int(5)] ?? 0
    case 5:
      return rng.pick(['default', 'all', 'saml2', '0123456789abcdef', '', 'ü'])
    case 6:
      return rng.bytes(rng.pick([0, 15, 16, 16, 17]))
    case 7:
      return [rng.int(2) === 0, rng.bytes(16)]
    default:
      return [false, rng.pick(['x', 'idp', null])]
  }
}

/** Replace, drop or add one node of a decoded payload tree (depth <= 3). */
function mutateTree(rng: Rng, value: PyValue, depth = 0): PyValue {
  if (!Array.isArray(value) || depth >= 2 || rng.int(3) === 0) {
    return depth > 0 && rng.int(4) === 0 ? [randomLeaf(rng)] : randomLeaf(rng)
  }
  const items = [...(value as readonly PyValue[])]
  const at = rng.int(items.length + 1)
  const op = rng.int(6)
  if (op === 0) items.splice(at, 1)
  else if (op === 1) items.splice(at, 0, randomLeaf(rng))
  else if (items.length > 0) {
    const i = at % items.length
    items[i] = mutateTree(rng, items[i] ?? null, depth + 1)
  }
  return items
}

describe('seeded fuzzing of token validation (mulberry32)', () => {
  it('mutated msgpack payloads, sealed with a valid key: only TokenNotFound or a typed token', (t) => {
    const rng = new Rng(0xb470)
    let accepted = 0
    const iterations = 30_000
    for (let i = 0; i < iterations; i++) {
      const payload = mutateBytes(rng, rng.pick(seeds))
      if (validateOrReject(validate, seal(payload)) !== 'rejected') accepted++
    }
    t.diagnostic(`${iterations} byte mutations, ${accepted} still valid payloads`)
    assert.ok(accepted > 0 && accepted < iterations)
  })

  it('structurally mutated payload trees: only TokenNotFound or a typed token', (t) => {
    const rng = new Rng(0x5eed)
    const trees = seeds.map((s) => {
      try {
        return unpackPy(s, { raw: true })
      } catch {
        return null
      }
    })
    let accepted = 0
    const iterations = 15_000
    for (let i = 0; i < iterations; i++) {
      const tree = mutateTree(rng, rng.pick(trees))
      if (validateOrReject(validate, seal(packPy(tree))) !== 'rejected') accepted++
    }
    t.diagnostic(`${iterations} tree mutations, ${accepted} accepted`)
    assert.ok(accepted > 0)
  })

  it('mutated token strings: rejected unless only the padding changed', (t) => {
    const rng = new Rng(0x70ce)
    const tokens = fixture.cases.filter((c) => c.config.methods.length === 6).map((c) => c.token)
    const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/ .!é\n'
    let accepted = 0
    const iterations = 20_000
    for (let i = 0; i < iterations; i++) {
      const original = rng.pick(tokens)
      const s = [...original]
      const at = rng.int(s.length)
      switch (rng.int(6)) {
        case 0:
          s[at] = rng.pick([...chars])
          break
        case 1:
          s.splice(at, 0, rng.pick([...chars]))
          break
        case 2:
          s.splice(at, 1 + rng.int(4))
          break
        case 3:
          s.push('='.repeat(1 + rng.int(4)))
          break
        case 4:
          s.length = at
          break
        default: {
          const code = chars.indexOf(s[at] ?? 'A')
          s[at] = chars[(code ^ (1 << rng.int(6))) % 64] ?? 'A'
        }
      }
      const mutated = s.join('')
      if (validateOrReject(validate, mutated) !== 'rejected') {
        accepted++
        assert.equal(mutated.replace(/=+$/, ''), original, 'only a padding spelling may pass')
      }
    }
    t.diagnostic(`${iterations} token-string mutations, ${accepted} padding-only variants accepted`)
  })
})
