import assert from 'node:assert/strict'
import { test } from 'node:test'
import { pooledRandomBytes } from '../../packages/fernet/src/random_pool.ts'

test('pooled random bytes: the sizes asked, never repeated across refills, copies not views', () => {
  const seen = new Set<string>()
  // 1000 x 16 bytes crosses the 4 KiB pool several times, at offsets that do not divide it.
  for (let i = 0; i < 1000; i++) {
    const size = i % 3 === 0 ? 16 : 13
    const bytes = pooledRandomBytes(size)
    assert.equal(bytes.length, size)
    const hex = bytes.toString('hex')
    assert.ok(!seen.has(hex), `value ${i} repeated`)
    seen.add(hex)
  }
  const kept = pooledRandomBytes(16)
  const copy = Buffer.from(kept)
  for (let i = 0; i < 600; i++) pooledRandomBytes(16) // refills the pool underneath
  assert.deepEqual(kept, copy, 'a handed-out value changed when the pool moved on')
  // All bytes set to one value would show a broken source; 16 random bytes never do.
  assert.ok(new Set(pooledRandomBytes(16)).size > 1)
})

test('pooled random bytes: sizes outside 0..4096 are refused', () => {
  assert.throws(() => pooledRandomBytes(4097), RangeError)
  assert.throws(() => pooledRandomBytes(-1), RangeError)
  assert.throws(() => pooledRandomBytes(1.5), RangeError)
  assert.equal(pooledRandomBytes(0).length, 0)
})
