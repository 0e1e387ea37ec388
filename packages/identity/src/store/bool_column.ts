/**
 * A boolean column as the dialects hand it back: written as a JS boolean (the SQLite plugin turns
 * it into 0/1), read as whatever the driver gives (decode with `asBool`).
 * @module
 */
import type { ColumnType } from 'kysely'

export type BoolColumn = ColumnType<boolean | number, boolean, boolean>
