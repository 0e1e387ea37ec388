/**
 * `baton db import-keystone`'s entry: Baton's database from `[database] connection`, the clock
 * from the system, the window a revocation event matters from `[token]`, the rest in
 * store/keystone_import/.
 * @module
 */
import type { Config } from '@baton/config'
import { StoreConfigError } from '../errors.ts'
import { databaseOptions, tokenOptions } from '../options.ts'
import { parseConnectionUrl } from '../store/connection_url.ts'
import { importKeystone, type KeystoneImportReport } from '../store/index.ts'

export type { KeystoneImportReport }

export async function importKeystoneDatabase(
  config: Config,
  from: string,
  dryRun: boolean,
): Promise<KeystoneImportReport> {
  const to = config.get(databaseOptions).connection
  // The import's upserts are written for SQLite and PostgreSQL (ON CONFLICT); until they have a
  // MySQL form, refuse a MySQL/MariaDB store up front rather than fail inside the transaction.
  if (parseConnectionUrl(to).dialect === 'mysql') {
    throw new StoreConfigError(
      'db import-keystone: importing into a MySQL/MariaDB store is not supported yet ' +
        '(import into SQLite or PostgreSQL)',
    )
  }
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
