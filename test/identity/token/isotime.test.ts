/**
 * isotime (arithmetic time of day, `YYYY-MM-DDT` memoised for the last two days) against Date's
 * own formatting, across second, day and cache boundaries, and expires_at's fraction rounding.
 * @module
 */

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { expiresFromFloat, isotime } from '../../../packages/identity/src/token/time_py.ts'

const MIN = -62135596800 // 0001-01-01T00:00:00Z
const MAX = 253402300799 // 9999-12-31T23:59:59Z

function viaDate(seconds: number): string {
  return `${new Date(seconds * 1000).toISOString().slice(0, 19)}.000000Z`
}

describe('isotime', () => {
  it('matches Date for random times over the whole range, in any order', () => {
    for (let i = 0; i < 20_000; i++) {
      const seconds = MIN + Math.floor(Math.random() * (MAX - MIN + 1))
      assert.equal(isotime(seconds), viaDate(seconds), String(seconds))
    }
  })

  it('matches Date across second and day boundaries, and at the ends of the range', () => {
    const edges = [0, -1, 86_399, 86_400, 1893456000, 951782400, 951868800, MIN, MAX]
    for (const edge of edges) {
      for (let d = -3; d <= 3; d++) {
        const seconds = Math.min(MAX, Math.max(MIN, edge + d))
        assert.equal(isotime(seconds), viaDate(seconds), String(seconds))
      }
    }
    for (let s = 1893455990; s < 1893456010; s++) assert.equal(isotime(s), viaDate(s))
  })

  it('stays right when three days take turns (the memo holds two)', () => {
    const days = [1893456000, 1893456000 + 86_400, 1893456000 - 86_400 * 400]
    for (let i = 0; i < 300; i++) {
      const seconds = (days[i % 3] ?? 0) + ((i * 7919) % 86_400)
      assert.equal(isotime(seconds), viaDate(seconds), String(seconds))
      assert.equal(isotime(seconds + 1), viaDate(seconds + 1))
    }
  })

  it('refuses fractions and times outside years 1-9999', () => {
    for (const bad of [0.5, MIN - 1, MAX + 1, Number.NaN, Number.POSITIVE_INFINITY])
      assert.throws(() => isotime(bad), { name: 'ValidationError' }, String(bad))
  })
})

describe('expiresFromFloat fractions', () => {
  it('rounds to microseconds half-even, so only a fraction that rounds up moves the second', () => {
    const base = 1893499199 // 2030-01-01T11:59:59Z
    assert.equal(expiresFromFloat(base), '2030-01-01T11:59:59.000000Z')
    assert.equal(expiresFromFloat(base + 0.25), '2030-01-01T11:59:59.000000Z')
    assert.equal(expiresFromFloat(base + 0.999999), '2030-01-01T11:59:59.000000Z')
    assert.equal(expiresFromFloat(base + 0.9999996), '2030-01-01T12:00:00.000000Z')
    assert.equal(expiresFromFloat(-0.25), '1969-12-31T23:59:59.000000Z')
    assert.equal(expiresFromFloat(-0.0000001), '1970-01-01T00:00:00.000000Z')
  })
})
