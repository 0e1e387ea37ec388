/**
 * The revocation section's percentile (nearest rank): p50 and p99 of 100 trials are the 50th and
 * the 99th smallest, whatever order the trials came in. Nothing here is timed.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { percentile } from '../../bench/sections/revocation.ts'

test('nearest-rank percentiles', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => 100 - i) // 100 .. 1
  assert.equal(percentile(hundred, 50), 50)
  assert.equal(percentile(hundred, 99), 99)
  assert.equal(percentile(hundred, 100), 100)
  assert.equal(percentile([7], 99), 7)
  assert.ok(Number.isNaN(percentile([], 50)))
})
