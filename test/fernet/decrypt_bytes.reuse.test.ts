/**
 * `decryptBytes` (a token already decoded from base64url) and the key material built once per
 * key: the shared AES block decipher must give the same plaintext as a fresh CBC decipher for
 * every token, whatever came before it (other lengths, other keys, a failed MAC, bad padding).
 * @module
 */

import assert from 'node:assert/strict'
import { createCipheriv, createHmac, randomBytes } from 'node:crypto'
import { test } from 'node:test'
import {
  Fernet,
  FernetError,
  FernetErrorCode,
  generateKey,
  MultiFernet,
} from '../../packages/fernet/src/index.ts'
import { type InvalidCase, seconds, type VerifyCase, vectors } from './helpers.ts'

const bytesOf = (token: string): Buffer => Buffer.from(token, 'base64url')

function isInvalidToken(error: unknown): boolean {
  return error instanceof FernetError && error.code === FernetErrorCode.InvalidToken
}

/** A token sealed by hand with node's CBC, padding bytes chosen by the caller. */
function handSealed(key: string, body: Buffer, timestamp = 1_700_000_000): Buffer {
  const raw = Buffer.from(key, 'base64url')
  const iv = randomBytes(16)
  const cipher = createCipheriv('aes-128-cbc', raw.subarray(16), iv)
  cipher.setAutoPadding(false)
  const header = Buffer.alloc(9)
  header[0] = 0x80
  header.writeUInt32BE(timestamp, 5)
  const signed = Buffer.concat([header, iv, cipher.update(body), cipher.final()])
  const mac = createHmac('sha256', raw.subarray(0, 16)).update(signed).digest()
  return Buffer.concat([signed, mac])
}

test('verify.json through decryptBytes: same plaintext and timestamp as decrypt', () => {
  for (const c of vectors<VerifyCase>('verify.json')) {
    const options = { ttl: c.ttl_sec, now: seconds(c.now) }
    for (const fernet of [new Fernet(c.secret), new MultiFernet([generateKey(), c.secret])]) {
      const byText = fernet.decrypt(c.token, options)
      const byBytes = fernet.decryptBytes(bytesOf(c.token), options)
      assert.equal(byBytes.plaintext.toString(), c.src)
      assert.equal(byBytes.timestamp, byText.timestamp)
    }
  }
})

test('invalid.json through decryptBytes: every decodable case is still rejected', () => {
  let checked = 0
  for (const c of vectors<InvalidCase>('invalid.json')) {
    if (!/^[A-Za-z0-9_-]*={0,2}$/.test(c.token)) continue // a text-level failure: no bytes
    checked++
    const options = { ttl: c.ttl_sec, now: seconds(c.now) }
    assert.throws(
      () => new Fernet(c.secret).decryptBytes(bytesOf(c.token), options),
      isInvalidToken,
    )
    assert.throws(
      () => new MultiFernet([c.secret]).decryptBytes(bytesOf(c.token), options),
      isInvalidToken,
      c.desc,
    )
  }
  assert.ok(checked > 0)
})

test('decryptBytes takes a plain Uint8Array view and rejects non-bytes', () => {
  const fernet = new Fernet(generateKey())
  const raw = bytesOf(fernet.encrypt(Buffer.from('view')))
  const framed = new Uint8Array(raw.length + 8)
  framed.set(raw, 4)
  const view = framed.subarray(4, 4 + raw.length)
  assert.equal(fernet.decryptBytes(view).plaintext.toString(), 'view')
  for (const bad of [undefined, 'gAAAAA', [0x80], raw.subarray(0, 72)]) {
    assert.throws(() => fernet.decryptBytes(bad as unknown as Uint8Array), isInvalidToken)
  }
})

test('the shared block decipher carries nothing from one token to the next', () => {
  const keys = [generateKey(), generateKey(), generateKey()]
  const multi = new MultiFernet(keys)
  const singles = keys.map((key) => new Fernet(key))
  const issued = Array.from({ length: 200 }, (_, i) => {
    const plaintext = randomBytes(i % 70)
    const by = i % keys.length
    return { plaintext, by, token: singles[by]?.encrypt(plaintext) ?? '' }
  })
  const wrongKey = new Fernet(generateKey()).encrypt(Buffer.from('not ours'))
  // Sealed by hand: 25 bytes of 7 padded by 7 sevens; 'hand' padded by twelve 12s.
  const sevens = handSealed(keys[0] ?? '', Buffer.alloc(32, 0x07))
  const hand = handSealed(keys[0] ?? '', Buffer.concat([Buffer.from('hand'), Buffer.alloc(12, 12)]))
  // Valid MACs over bad padding: a final 0, and a final 5 after other bytes.
  const padZero = Buffer.concat([Buffer.alloc(16, 0x01), Buffer.alloc(16, 0x00)])
  const padMixed = Buffer.concat([Buffer.alloc(28, 0x01), Buffer.from([5, 5, 4, 5])])
  for (const [i, t] of issued.entries()) {
    // Interleave failures that stop after the MAC or after decrypting.
    if (i % 7 === 0) assert.throws(() => multi.decrypt(wrongKey), isInvalidToken)
    if (i % 11 === 0) {
      const body = i % 2 === 0 ? padZero : padMixed
      assert.throws(() => multi.decryptBytes(handSealed(keys[1] ?? '', body)), isInvalidToken)
    }
    assert.deepEqual(multi.decrypt(t.token).plaintext, t.plaintext, `token ${i}`)
    assert.deepEqual(singles[t.by]?.decryptBytes(bytesOf(t.token)).plaintext, t.plaintext)
    if (i % 13 === 0) {
      assert.equal(multi.decryptBytes(sevens).plaintext.toString('hex'), '07'.repeat(25))
      assert.equal(multi.decryptBytes(hand).plaintext.toString(), 'hand')
    }
  }
})

test('each key is tried in order on the same bytes; a purged key no longer decrypts', () => {
  const [a, b, c] = [generateKey(), generateKey(), generateKey()]
  const fromA = new Fernet(a).encrypt(Buffer.from('a'))
  const rotated = new MultiFernet([b, a])
  assert.equal(rotated.decryptBytes(bytesOf(fromA)).plaintext.toString(), 'a')
  const fromB = rotated.encrypt(Buffer.from('b'))
  assert.equal(new Fernet(b).decrypt(fromB).plaintext.toString(), 'b', 'the primary encrypts')
  const purged = new MultiFernet([c, b])
  assert.equal(purged.decryptBytes(bytesOf(fromB)).plaintext.toString(), 'b')
  assert.throws(() => purged.decryptBytes(bytesOf(fromA)), isInvalidToken)
  // The old instance keeps its own keys.
  assert.equal(rotated.decryptBytes(bytesOf(fromA)).plaintext.toString(), 'a')
})
