/**
 * Strict base64url handling of tokens and keys: unpadded (keystone) and padded input accepted,
 * foreign characters and wrong padding rejected; errors never echo the token or the key.
 * @module
 */

import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  Fernet,
  FernetError,
  FernetErrorCode,
  fernetTimestamp,
  generateKey,
} from '../../packages/fernet/src/index.ts'

const key = generateKey()
const fernet = new Fernet(key)

function isInvalidToken(token: string) {
  return (error: unknown) =>
    error instanceof FernetError &&
    error.code === FernetErrorCode.InvalidToken &&
    (token.length < 4 || !error.message.includes(token))
}

test('padded and unpadded forms of the same token both decrypt', () => {
  for (let length = 0; length < 40; length++) {
    const plaintext = Buffer.alloc(length, 0x61)
    const token = fernet.encrypt(plaintext)
    assert.equal(token.length % 4, 0, 'encrypt emits padded base64url')
    assert.deepEqual(fernet.decrypt(token).plaintext, plaintext)
    assert.deepEqual(fernet.decrypt(token.replace(/=+$/, '')).plaintext, plaintext)
  }
})

test('wrong padding, a length of 1 mod 4, and foreign characters are rejected', () => {
  // 74..89 raw bytes: a 2-byte remainder (needs "==") happens at length 89, 1 byte at 73+16k.
  const token = fernet.encrypt(Buffer.from('hello'))
  const bare = token.replace(/=+$/, '')
  assert.ok(bare.length % 4 !== 0, 'the 73+16 byte token needs padding')
  const cases = [
    `${bare}===`,
    `${token}=`,
    `${bare}${'='.repeat(((4 - (bare.length % 4)) % 4) + 1)}`,
    `${bare}A`.length % 4 === 1 ? `${bare}A` : `${bare}AB`,
    token.replace('A', '+'),
    token.replace('A', '/'),
    ` ${token}`,
    `${token}\n`,
    token.replace('A', '.'),
    `${token.slice(0, 10)}=${token.slice(10)}`,
    '',
    '====',
  ]
  for (const bad of cases)
    assert.throws(() => fernet.decrypt(bad), isInvalidToken(bad), JSON.stringify(bad))
})

test('a length-1-mod-4 body is rejected even though Node would decode it', () => {
  const token = fernet.encrypt(Buffer.alloc(16)).replace(/=+$/, '')
  const body = token.length % 4 === 0 ? `${token}A` : token
  if (body.length % 4 === 1) assert.throws(() => fernet.decrypt(body), isInvalidToken(body))
})

test('non-string tokens are invalid tokens, not TypeErrors', () => {
  assert.throws(() => fernet.decrypt(undefined as unknown as string), FernetError)
  assert.throws(() => fernet.decrypt(42 as unknown as string), FernetError)
})

test('keys must be strict base64url of 32 bytes; errors do not echo the key', () => {
  const raw = Buffer.from(key, 'base64url')
  const standard = raw.toString('base64') // may contain + or /
  for (const bad of [
    '',
    key.slice(0, 40),
    `${key}A`,
    Buffer.alloc(31).toString('base64url'),
    Buffer.alloc(33).toString('base64url'),
    standard.includes('+') || standard.includes('/') ? standard : `${key.slice(0, 43)}+`,
  ]) {
    assert.throws(
      () => new Fernet(bad),
      (error: unknown) =>
        error instanceof FernetError &&
        error.code === FernetErrorCode.InvalidKey &&
        (bad === '' || !error.message.includes(bad)),
    )
  }
  assert.doesNotThrow(() => new Fernet(key.replace(/=$/, '')))
})

test('fernetTimestamp reads bytes 1..8 and rejects garbage', () => {
  const token = fernet.encrypt(Buffer.from('x'), { now: 1_767_225_600 })
  assert.equal(fernetTimestamp(token), 1_767_225_600)
  assert.equal(fernetTimestamp(token.replace(/=+$/, '')), 1_767_225_600)
  for (const bad of ['', 'garbage', token.slice(0, 40), `!${token.slice(1)}`]) {
    assert.throws(() => fernetTimestamp(bad), isInvalidToken(bad))
  }
})

test('timestamps beyond 2^32 round-trip through the 64-bit field', () => {
  const now = 2 ** 40 + 12345
  const token = fernet.encrypt(Buffer.from('x'), { now })
  assert.equal(fernetTimestamp(token), now)
  assert.equal(fernet.decrypt(token).timestamp, now)
})

test('encrypt validates the IV and timestamp', () => {
  assert.throws(() => fernet.encrypt(Buffer.from('x'), { iv: new Uint8Array(15) }), {
    code: FernetErrorCode.InvalidArgument,
  })
  assert.throws(() => fernet.encrypt(Buffer.from('x'), { now: -1 }), {
    code: FernetErrorCode.InvalidArgument,
  })
})

test('the injected clock stamps tokens and drives ttl checks', () => {
  let now = 1_767_225_600_500
  const clocked = new Fernet(key, { clock: { now: () => now } })
  const token = clocked.encrypt(Buffer.from('x'))
  assert.equal(fernetTimestamp(token), 1_767_225_600)
  now += 60_000
  assert.equal(clocked.decrypt(token, { ttl: 60 }).plaintext.toString(), 'x')
  now += 1_000
  assert.throws(() => clocked.decrypt(token, { ttl: 60 }), isInvalidToken(token))
  assert.equal(clocked.decrypt(token).plaintext.toString(), 'x', 'no ttl: no expiry check')
})
