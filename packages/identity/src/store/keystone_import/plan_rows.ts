/**
 * Reading Keystone's rows for the import plan: the table reader, Keystone's option ids, its JSON
 * columns, and parents-first ordering for self-referencing tables (projects, regions).
 * @module
 */
import { isJsonObject, type JsonObject } from '../codecs.ts'
import type { SourceRow } from './source.ts'

/** A Keystone table's rows (none when the table does not exist), optionally ordered. */
export type SourceRows = (table: string, orderBy?: string) => Promise<readonly SourceRow[]>

/** Keystone's option ids (keystone/identity/backends/resource_options.py, immutable.py). */
export const USER_OPTIONS: Readonly<Record<string, string>> = {
  '1000': 'ignore_change_password_upon_first_use',
  '1001': 'ignore_password_expiry',
  '1002': 'ignore_lockout_failure_attempts',
  '1003': 'lock_password',
  '1004': 'ignore_user_inactivity',
  MFAR: 'multi_factor_auth_rules',
  MFAE: 'multi_factor_auth_enabled',
}
export const IMMUTABLE_OPTIONS: Readonly<Record<string, string>> = { IMMU: 'immutable' }

export function optionsBy(
  rows: readonly SourceRow[],
  key: string,
  names: Readonly<Record<string, string>>,
): Map<string, JsonObject> {
  const byOwner = new Map<string, JsonObject>()
  for (const row of rows) {
    const name = names[String(row.option_id)]
    if (name === undefined) continue
    const owner = String(row[key])
    const options = byOwner.get(owner) ?? {}
    const value = parseJsonValue(row.option_value)
    if (value !== undefined) options[name] = value as JsonObject[string]
    byOwner.set(owner, options)
  }
  return byOwner
}

export function parseJsonValue(value: unknown): unknown {
  if (value === null || value === undefined) return null
  if (typeof value !== 'string') return value
  try {
    return JSON.parse(value)
  } catch {
    return undefined
  }
}

export function parseJson(value: unknown): JsonObject {
  const parsed = parseJsonValue(value)
  return isJsonObject(parsed) ? parsed : {}
}

export function jsonText(value: unknown): string {
  return JSON.stringify(parseJson(value))
}

/** Orders rows so every row's referenced ids (when among the rows) come before it. */
export function parentsFirst<Row extends { id: string }>(
  rows: readonly Row[],
  parents: (row: Row) => readonly (string | null)[],
): Row[] {
  const byId = new Map(rows.map((row) => [row.id, row]))
  const placed = new Set<string>()
  const ordered: Row[] = []
  const visit = (row: Row, depth: number) => {
    if (placed.has(row.id) || depth > rows.length) return
    for (const parent of parents(row)) {
      const parentRow = parent === null || parent === row.id ? undefined : byId.get(parent)
      if (parentRow !== undefined) visit(parentRow, depth + 1)
    }
    if (placed.has(row.id)) return
    placed.add(row.id)
    ordered.push(row)
  }
  for (const row of rows) visit(row, 0)
  return ordered
}
