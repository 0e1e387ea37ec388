/**
 * The resumable cursor of the revocation-event feed (`GET /v3/OS-BATON/revocation-events`). Row ids
 * are handed out in insert order but may commit out of order (two PostgreSQL transactions), so
 * "the highest id seen" would skip an event committed late under a lower id. A cursor is therefore
 * a floor (every id at or below it was delivered or is given up) plus the ids above the floor
 * already delivered. A hole below a delivered id stays open for `graceMicros` after that later
 * event was revoked; an insert still uncommitted after that long is given up (rolled back, as a
 * rule). Pure functions: the feed and its tests share them.
 * @module
 */

export type EventCursor = {
  /** Every event id <= floor was delivered (or given up). */
  readonly floor: number
  /** Ids above floor already delivered, ascending. */
  readonly seen: readonly number[]
}

export const START_CURSOR: EventCursor = Object.freeze({ floor: 0, seen: [] })

const CURSOR = /^(\d{1,15})(?:\.(\d{1,15}(?:-\d{1,15}){0,999}))?$/

/** `"<floor>"` or `"<floor>.<id>-<id>..."`; undefined when malformed. */
export function parseCursor(text: string): EventCursor | undefined {
  const match = CURSOR.exec(text)
  if (match === null) return undefined
  const floor = Number(match[1])
  const seen = match[2] === undefined ? [] : match[2].split('-').map(Number)
  if (seen.some((id) => id <= floor)) return undefined
  return { floor, seen: [...new Set(seen)].sort((a, b) => a - b) }
}

export function formatCursor(cursor: EventCursor): string {
  return cursor.seen.length === 0
    ? String(cursor.floor)
    : `${cursor.floor}.${cursor.seen.join('-')}`
}

/** A row as the cursor needs it: its id and when it was revoked (microseconds). */
export type CursorRow = { readonly id: number; readonly revokedAt: number }

/**
 * Given every row above `cursor.floor` (as the store lists them now), which are new to the cursor
 * and the cursor after delivering them.
 */
export function advanceCursor<R extends CursorRow>(
  cursor: EventCursor,
  rowsAboveFloor: readonly R[],
  nowMicros: number,
  graceMicros: number,
): { readonly fresh: R[]; readonly next: EventCursor } {
  const seen = new Set(cursor.seen)
  const fresh = rowsAboveFloor.filter((row) => row.id > cursor.floor && !seen.has(row.id))
  const rows = [...rowsAboveFloor]
    .filter((row) => row.id > cursor.floor)
    .sort((a, b) => a.id - b.id)
  let floor = cursor.floor
  for (const row of rows) {
    // contiguous, or a hole below a row old enough that the hole's insert is given up
    if (row.id === floor + 1 || row.revokedAt < nowMicros - graceMicros) floor = row.id
    else break
  }
  const above = rows.filter((row) => row.id > floor).map((row) => row.id)
  return { fresh, next: { floor, seen: above } }
}
