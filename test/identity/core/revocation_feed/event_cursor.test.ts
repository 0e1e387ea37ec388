/**
 * The revocation feed's cursor: ids delivered above a floor, holes kept open for an insert that
 * commits late (PostgreSQL transactions commit out of id order) and given up after the grace.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  advanceCursor,
  formatCursor,
  parseCursor,
  START_CURSOR,
} from '../../../../packages/identity/src/core/revocation_feed/event_cursor.ts'

const S = 1_000_000
const row = (id: number, revokedAt = 100 * S) => ({ id, revokedAt })

describe('event cursor', () => {
  it('advances over contiguous ids and delivers each once', () => {
    const first = advanceCursor(START_CURSOR, [row(1), row(2)], 100 * S, 60 * S)
    assert.deepEqual(
      first.fresh.map((r) => r.id),
      [1, 2],
    )
    assert.deepEqual(first.next, { floor: 2, seen: [] })
    const again = advanceCursor(first.next, [row(3)], 100 * S, 60 * S)
    assert.deepEqual(
      again.fresh.map((r) => r.id),
      [3],
    )
  })

  it('keeps a hole open, delivers the late row when it commits, then closes it', () => {
    const gap = advanceCursor(START_CURSOR, [row(1), row(3)], 100 * S, 60 * S)
    assert.deepEqual(gap.next, { floor: 1, seen: [3] })
    assert.equal(formatCursor(gap.next), '1.3')
    const same = advanceCursor(gap.next, [row(3)], 100 * S, 60 * S)
    assert.deepEqual(same.fresh, [], 'row 3 is not delivered twice')
    const late = advanceCursor(gap.next, [row(2), row(3)], 100 * S, 60 * S)
    assert.deepEqual(
      late.fresh.map((r) => r.id),
      [2],
    )
    assert.deepEqual(late.next, { floor: 3, seen: [] })
  })

  it('gives a hole up once the row after it is older than the grace', () => {
    const gap = advanceCursor(START_CURSOR, [row(1), row(3, 10 * S)], 100 * S, 60 * S)
    assert.deepEqual(gap.next, { floor: 3, seen: [] })
  })

  it('parses what it formats and refuses anything else', () => {
    for (const text of ['0', '17', '5.7-9'])
      assert.equal(formatCursor(parseCursor(text) ?? START_CURSOR), text)
    for (const bad of ['', '-1', 'x', '5.3', '5.', '1e3', '5.6-']) {
      assert.equal(parseCursor(bad), undefined, bad)
    }
  })
})
