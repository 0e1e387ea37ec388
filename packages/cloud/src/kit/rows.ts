/**
 * What the services' row stores share: the list query of Nova's and Cinder's list calls, and a
 * partial update that stamps `updated_at`. Column names come from the stores' own typed `Changes`,
 * never from requests.
 * @module
 */
import type { ServiceDatabase } from './database.ts'

/** A project's resources, filtered and paged newest first (`limit`, `marker` = last id seen). */
export type ListQuery = {
  readonly projectId: string
  readonly name?: string | undefined
  readonly status?: string | undefined
  readonly limit?: number | undefined
  readonly marker?: string | undefined
}

export function updateRow(
  db: ServiceDatabase,
  table: string,
  id: string,
  changes: Readonly<Record<string, unknown>>,
  now: string,
): void {
  const names = Object.keys(changes)
  if (names.length === 0) return
  const values = Object.values(changes) as (string | number | null)[]
  db.prepare(
    `UPDATE ${table} SET ${names.map((n) => `${n} = ?`).join(', ')}, updated_at = ? WHERE id = ?`,
  ).run(...values, now, id)
}
