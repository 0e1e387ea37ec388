/**
 * MultiFernet order: the first key encrypts, every key decrypts (pyca MultiFernet; keystone
 * builds it primary first).
 * @module
 */

import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  Fernet,
  FernetError,
  FernetErrorCode,
  generateKey,
  MultiFernet,
} from '../../packages/fernet/src/index.ts'

const [primary, secondary, staged] = [generateKey(), generateKey(), generateKey()]

test('encrypt uses only the first key', () => {
  const multi = new MultiFernet([primary, secondary, staged])
  const token = multi.encrypt(Buffer.from('payload'))
  assert.equal(new Fernet(primary).decrypt(token).plaintext.toString(), 'payload')
  assert.throws(() => new Fernet(secondary).decrypt(token), FernetError)
  assert.throws(() => new Fernet(staged).decrypt(token), FernetError)
})

test('decrypt accepts tokens from any key in the list', () => {
  const multi = new MultiFernet([primary, new Fernet(secondary), staged])
  for (const key of [primary, secondary, staged]) {
    const token = new Fernet(key).encrypt(Buffer.from(key.slice(0, 4)), { now: 1000 })
    const { plaintext, timestamp } = multi.decrypt(token)
    assert.equal(plaintext.toString(), key.slice(0, 4))
    assert.equal(timestamp, 1000)
  }
})

test('a token from a key not in the list is an invalid token', () => {
  const token = new Fernet(generateKey()).encrypt(Buffer.from('x'))
  assert.throws(() => new MultiFernet([primary, secondary]).decrypt(token), {
    code: FernetErrorCode.InvalidToken,
  })
})

test('the ttl applies once, whichever key matches', () => {
  const multi = new MultiFernet([primary, secondary])
  const token = new Fernet(secondary).encrypt(Buffer.from('x'), { now: 1000 })
  assert.equal(multi.decrypt(token, { ttl: 10, now: 1010 }).plaintext.toString(), 'x')
  assert.throws(() => multi.decrypt(token, { ttl: 10, now: 1011 }), FernetError)
  assert.throws(() => multi.decrypt(token, { ttl: 10, now: 939 }), FernetError)
  assert.equal(multi.decrypt(token, { ttl: 10, now: 940 }).plaintext.toString(), 'x')
})

test('an empty key list is refused', () => {
  assert.throws(() => new MultiFernet([]), { code: FernetErrorCode.InvalidArgument })
})

test('Fernet instances do not expose their keys when inspected or serialised', async () => {
  const { inspect } = await import('node:util')
  const fernet = new Fernet(primary)
  const multi = new MultiFernet([fernet, secondary])
  for (const object of [fernet, multi]) {
    assert.ok(!inspect(object, { showHidden: true, depth: 5 }).includes(primary.slice(0, 12)))
    assert.ok(!JSON.stringify(object).includes(primary.slice(0, 12)))
  }
  assert.equal(multi.size, 2)
})
