/**
 * `baton db import-keystone`'s entry: Baton's database from `[database] connection`, the clock
 * from the system, the window a revocation event matters from `[token]`, the rest in
 * store/keystone_import/.
 * @module
 */
import type { Config } from '@baton/config'
import { databaseOptions, tokenOptions } from '../options.ts'
import { importKeystone, type KeystoneImportReport } from '../store/index.ts'

export type { KeystoneImportReport }

export async function importKeystoneDatabase(
  config: Config,
  from: string,
  dryRun: boolean,
): Promise<KeystoneImportReport> {
  const to = config.get(databaseOptions).connection
  return await importKeystone({
    from,
    to,
    dryRun,
    nowMicros: Date.now() * 1000,
    revocationWindowMicros:
      (config.get(tokenOptions).expiration + config.get(tokenOptions).allow_expired_window) *
      1_000_000,
  })
}
