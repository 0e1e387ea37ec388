/**
 * The Fernet specification's own vectors (fernet/spec generate.json, verify.json, invalid.json).
 * @module
 */

import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  Fernet,
  FernetError,
  FernetErrorCode,
  MultiFernet,
} from '../../packages/fernet/src/index.ts'
import {
  type GenerateCase,
  type InvalidCase,
  seconds,
  type VerifyCase,
  vectors,
} from './helpers.ts'

test('generate.json: encrypting with the given time and IV gives the exact token', () => {
  const cases = vectors<GenerateCase>('generate.json')
  assert.ok(cases.length > 0)
  for (const c of cases) {
    const options = { now: seconds(c.now), iv: Uint8Array.from(c.iv) }
    const plaintext = Buffer.from(c.src)
    assert.equal(new Fernet(c.secret).encrypt(plaintext, options), c.token)
    assert.equal(new MultiFernet([c.secret]).encrypt(plaintext, options), c.token)
  }
})

test('verify.json: decrypting within the ttl gives the source and the timestamp', () => {
  const cases = vectors<VerifyCase>('verify.json')
  assert.ok(cases.length > 0)
  for (const c of cases) {
    const options = { ttl: c.ttl_sec, now: seconds(c.now) }
    for (const fernet of [new Fernet(c.secret), new MultiFernet([c.secret])]) {
      const { plaintext, timestamp } = fernet.decrypt(c.token, options)
      assert.equal(plaintext.toString(), c.src)
      assert.equal(timestamp, 499162800)
    }
  }
})

test('invalid.json: all 8 cases throw FernetError with the invalid-token code', () => {
  const cases = vectors<InvalidCase>('invalid.json')
  assert.equal(cases.length, 8)
  for (const c of cases) {
    const options = { ttl: c.ttl_sec, now: seconds(c.now) }
    for (const fernet of [new Fernet(c.secret), new MultiFernet([c.secret])]) {
      assert.throws(
        () => fernet.decrypt(c.token, options),
        (error: unknown) =>
          error instanceof FernetError &&
          error.code === FernetErrorCode.InvalidToken &&
          !error.message.includes(c.token),
        c.desc,
      )
    }
  }
})

test('invalid.json without a ttl: only the ttl and skew cases become valid (keystone passes none)', () => {
  const accepted = vectors<InvalidCase>('invalid.json')
    .filter((c) => {
      try {
        new Fernet(c.secret).decrypt(c.token)
        return true
      } catch (error) {
        assert.ok(error instanceof FernetError)
        return false
      }
    })
    .map((c) => c.desc)
  assert.deepEqual(accepted.sort(), ['expired TTL', 'far-future TS (unacceptable clock skew)'])
})

test('the spec key splits into signing [0:16] and encryption [16:32] (reference note §1.2)', () => {
  // A token made by a Fernet built from the swapped halves must not verify under the original key.
  const key = 'cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4='
  const raw = Buffer.from(key, 'base64url')
  assert.equal(raw.subarray(0, 16).toString('hex'), '730ff4c7af3d46923e8ed451ee813c87')
  const swapped = Buffer.concat([raw.subarray(16), raw.subarray(0, 16)]).toString('base64url')
  const token = new Fernet(swapped).encrypt(Buffer.from('x'))
  assert.throws(() => new Fernet(key).decrypt(token), FernetError)
})
