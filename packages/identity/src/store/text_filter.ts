/**
 * Keystone's name filters in SQL: exact match, and the inexact `__contains`, `__startswith`,
 * `__endswith` with case-insensitive `__i*` forms. Built from string functions rather than LIKE,
 * whose case rules differ between SQLite (insensitive) and PostgreSQL (sensitive), so every
 * dialect returns the same rows. On MySQL `length()` counts bytes, so lengths are char_length().
 * @module
 */
import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely'
import type { StoreDialect } from './database.ts'

export type TextMatch = 'equals' | 'contains' | 'startswith' | 'endswith'

/** A plain string means exact, case-sensitive equality. */
export type TextFilter =
  | string
  | { readonly match: TextMatch; readonly value: string; readonly caseInsensitive?: boolean }

/**
 * @example qb.where((eb) => textMatches(eb.ref('name'), { match: 'startswith', value: 'ad' }, 'sqlite'))
 */
export function textMatches(
  column: Expression<string>,
  filter: TextFilter,
  dialect: StoreDialect,
): RawBuilder<SqlBool> {
  const spec = typeof filter === 'string' ? { match: 'equals' as const, value: filter } : filter
  const ci = 'caseInsensitive' in spec && spec.caseInsensitive === true
  const col = ci ? sql`lower(${column})` : sql`${column}`
  const val = ci ? sql`lower(${spec.value})` : sql`${spec.value}`
  switch (spec.match) {
    case 'equals':
      return sql<SqlBool>`${col} = ${val}`
    case 'contains':
      if (dialect === 'postgres') return sql<SqlBool>`strpos(${col}, ${val}) > 0`
      if (dialect === 'mysql') return sql<SqlBool>`locate(${val}, ${col}) > 0`
      return sql<SqlBool>`instr(${col}, ${val}) > 0`
    case 'startswith':
      return dialect === 'mysql'
        ? sql<SqlBool>`left(${col}, char_length(${val})) = ${val}`
        : sql<SqlBool>`substr(${col}, 1, length(${val})) = ${val}`
    case 'endswith':
      // An empty suffix matches everything; both substr forms below would disagree on it.
      if (spec.value === '') return sql<SqlBool>`1 = 1`
      if (dialect === 'postgres') return sql<SqlBool>`right(${col}, length(${val})) = ${val}`
      if (dialect === 'mysql') return sql<SqlBool>`right(${col}, char_length(${val})) = ${val}`
      return sql<SqlBool>`substr(${col}, -length(${val})) = ${val}`
  }
}
