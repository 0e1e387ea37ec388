/**
 * `baton db import-keystone`: reads a Keystone 22 database and writes Baton's, keeping every id
 * (see plan.ts for the mapping, write.ts for the one-transaction upsert). A dry run reads both
 * databases and writes nothing.
 * @module
 */
import { KeystoneImportError } from '../../errors.ts'
import { redactConnectionUrl } from '../connection_url.ts'
import { openDatabase } from '../database.ts'
import { schemaStatus } from '../migrations/index.ts'
import { PLANNED_TABLES, type PlannedTable, planImport } from './plan.ts'
import { openKeystoneSource } from './source.ts'
import { staleIds, TRACKED, type TrackedTable } from './stale.ts'
import { refuseConflicts, writePlan } from './write.ts'

export { KEYSTONE_22_CONTRACT_HEAD, KEYSTONE_22_EXPAND_HEAD } from './schema_check.ts'

export interface KeystoneImportReport {
  /** Rows copied (or, in a dry run, that would be), per Baton table, in copy order. */
  readonly rows: ReadonlyArray<readonly [PlannedTable, number]>
  /** Entities the previous import brought that Keystone no longer has: deleted (or, dry, would be). */
  readonly deleted: ReadonlyArray<readonly [TrackedTable, number]>
  /** What stays behind, one line each, naming it. */
  readonly cannot: readonly string[]
  readonly dryRun: boolean
}

export interface KeystoneImportOptions {
  /** oslo.db URL of the Keystone 22 database. */
  readonly from: string
  /** Baton's `[database] connection`. */
  readonly to: string
  readonly dryRun?: boolean
  readonly nowMicros: number
  /** `[token] expiration + allow_expired_window` at Baton, in microseconds. */
  readonly revocationWindowMicros: number
}

export async function importKeystone(
  options: KeystoneImportOptions,
): Promise<KeystoneImportReport> {
  const source = await openKeystoneSource(options.from)
  try {
    const plan = await planImport(source, options)
    const target = openDatabase(options.to)
    let stale: Map<TrackedTable, string[]> = new Map()
    try {
      const status = await schemaStatus(target)
      if (status.pending.length > 0 || status.unknown.length > 0) {
        throw new KeystoneImportError(
          `the target ${redactConnectionUrl(options.to)} is not at this Baton's schema: run \`baton db sync --config-file ...\` first`,
        )
      }
      stale = await staleIds(target.db, plan)
      if (options.dryRun === true) await refuseConflicts(target.db, plan, stale)
      else await writePlan(target, plan)
    } finally {
      await target.close()
    }
    return {
      rows: PLANNED_TABLES.map((table) => [table, plan[table].length] as const),
      deleted: TRACKED.map((table) => [table, stale.get(table)?.length ?? 0] as const).filter(
        ([, count]) => count > 0,
      ),
      cannot: plan.cannot,
      dryRun: options.dryRun === true,
    }
  } finally {
    await source.close()
  }
}
