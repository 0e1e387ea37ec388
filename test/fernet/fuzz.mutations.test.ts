/**
 * Seeded fuzzing: random mutations of valid tokens (bit flips, truncation, extension,
 * re-padding, foreign characters, spliced fields) must throw FernetError with the invalid-token
 * code, unless the mutation left the decoded bytes identical (then they must decrypt).
 * @module
 */

import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  Fernet,
  FernetError,
  FernetErrorCode,
  fernetTimestamp,
  MultiFernet,
} from '../../packages/fernet/src/index.ts'

const ITERATIONS = 25_000
const SEED = 0x5eed_f3a7
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const ALPHABET_CHARS = [...ALPHABET]
const FOREIGN = [
  '+',
  '/',
  '=',
  ' ',
  '\n',
  '\t',
  '%',
  '.',
  '!',
  '*',
  '\0',
  'é',
  '€',
  '\u{1f511}',
  '\\',
]

/** mulberry32: small, fast, good enough to make failures reproducible from the seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * Independent reference for "which strings decode to which bytes": strict alphabet, optional
 * exact padding, manual 6-bit decoding (ignores leftover bits, as Python and Node do).
 */
function referenceDecode(text: string): Buffer | undefined {
  const match = /^([A-Za-z0-9_-]*)(=*)$/.exec(text)
  if (match === null) return undefined
  const data = match[1] ?? ''
  const pad = (match[2] ?? '').length
  if (data.length % 4 === 1 || pad > 2 || (pad > 0 && (data.length + pad) % 4 !== 0))
    return undefined
  const out: number[] = []
  let bits = 0
  let value = 0
  for (const char of data) {
    value = (value << 6) | ALPHABET.indexOf(char)
    bits += 6
    if (bits >= 8) {
      bits -= 8
      out.push((value >> bits) & 0xff)
    }
  }
  return Buffer.from(out)
}

test(`${ITERATIONS} seeded mutations of valid tokens are rejected with FernetError`, (t) => {
  const random = prng(SEED)
  const int = (n: number) => Math.floor(random() * n)
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T
  const keys = ['a', 'b', 'c'].map((label) => Buffer.alloc(32, label).toString('base64url'))
  const multi = new MultiFernet(keys)
  const fernets = keys.map((key) => new Fernet(key))
  const pool = Array.from({ length: 60 }, (_, i) => {
    const plaintext = Buffer.alloc(int(300), i)
    const token = pick(fernets).encrypt(plaintext, { now: 1_700_000_000 + i })
    return { token, raw: Buffer.from(token, 'base64url'), plaintext }
  })
  const encode = (bytes: Buffer) => {
    const text = bytes.toString('base64url')
    return random() < 0.5 ? text : text + '='.repeat((4 - (text.length % 4)) % 4)
  }
  const mutations: ((t: string, raw: Buffer) => string)[] = [
    (_, raw) => {
      const copy = Buffer.from(raw)
      for (let n = 1 + int(4); n > 0; n--) {
        const at = int(copy.length)
        copy[at] = (copy[at] ?? 0) ^ (1 << int(8))
      }
      return encode(copy)
    },
    (t) => t.slice(0, int(t.length)),
    (_, raw) => encode(raw.subarray(0, int(raw.length))),
    (t) =>
      t.replace(/=+$/, '') +
      Array.from({ length: 1 + int(8) }, () => pick(ALPHABET_CHARS)).join(''),
    (_, raw) => encode(Buffer.concat([raw, Buffer.alloc(1 + int(40), int(256))])),
    (t) => {
      const at = int(t.length)
      return t.slice(0, at) + pick(ALPHABET_CHARS) + t.slice(at + 1)
    },
    (t) => {
      const at = int(t.length + 1)
      return t.slice(0, at) + pick(FOREIGN) + t.slice(at)
    },
    (t) => t.replace(/=+$/, '') + '='.repeat(int(5)),
    (_, raw) => {
      const other = pick(pool).raw
      const copy = Buffer.from(raw)
      // splice the MAC, the IV or the timestamp of another token
      const field = int(3)
      if (field === 0) other.copy(copy, raw.length - 32, other.length - 32)
      else if (field === 1) other.copy(copy, 9, 9, 25)
      else other.copy(copy, 1, 1, 9)
      return encode(copy)
    },
    (_, raw) => {
      const copy = Buffer.from(raw)
      copy[0] = int(256)
      return encode(copy)
    },
    (t) => {
      const at = int(t.length - 1)
      return t.slice(0, at) + t[at + 1] + t[at] + t.slice(at + 2)
    },
    (t) => {
      const at = int(t.length)
      return t.slice(0, at) + t.slice(at + 1)
    },
    (_, raw) => {
      const at = 25 + 16 * int((raw.length - 57) / 16)
      return encode(
        Buffer.concat([raw.subarray(0, at), raw.subarray(at, at + 16), raw.subarray(at)]),
      )
    },
    (t) => t.toLowerCase(),
  ]
  const counts = { rejected: 0, identical: 0 }
  for (let i = 0; i < ITERATIONS; i++) {
    const base = pick(pool)
    const mutated = pick(mutations)(base.token, base.raw)
    const reference = referenceDecode(mutated)
    const unchanged = reference?.equals(base.raw) === true
    let accepted: Buffer | undefined
    try {
      accepted = multi.decrypt(mutated).plaintext
    } catch (error) {
      if (!(error instanceof FernetError) || error.code !== FernetErrorCode.InvalidToken) {
        assert.fail(`iteration ${i}: unexpected ${String(error)} for ${JSON.stringify(mutated)}`)
      }
      assert.ok(mutated.length < 8 || !error.message.includes(mutated), 'message echoes the token')
      assert.ok(!unchanged, `iteration ${i}: rejected a token whose bytes are unchanged`)
      counts.rejected++
    }
    if (accepted !== undefined) {
      assert.ok(unchanged, `iteration ${i}: accepted a changed token ${JSON.stringify(mutated)}`)
      assert.deepEqual(accepted, base.plaintext)
      counts.identical++
    }
    try {
      assert.equal(typeof fernetTimestamp(mutated), 'number')
    } catch (error) {
      assert.ok(error instanceof FernetError, `fernetTimestamp threw ${String(error)}`)
    }
  }
  assert.equal(counts.rejected + counts.identical, ITERATIONS)
  assert.ok(counts.rejected > ITERATIONS * 0.8, JSON.stringify(counts))
  assert.ok(counts.identical > 0, 'some mutations (re-padding) leave the bytes unchanged')
  t.diagnostic(JSON.stringify(counts))
})
