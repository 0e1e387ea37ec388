/**
 * The identity database for `baton keys` fleet checks with the files key store: only when it
 * already exists and is current (a SQLite file is never created here, a missing or old schema
 * just means there is no fleet to ask). undefined otherwise.
 * @module
 */
import { existsSync } from 'node:fs'
import type { Config } from '@baton/config'
import { databaseOptions } from '../options.ts'
import { parseConnectionUrl } from '../store/connection_url.ts'
import { type OpenedStore, openCurrentStore } from './database_access.ts'

export async function openFleetDatabase(config: Config): Promise<OpenedStore | undefined> {
  try {
    const target = parseConnectionUrl(config.get(databaseOptions).connection)
    if (
      target.dialect === 'sqlite' &&
      (target.filename === ':memory:' || !existsSync(target.filename))
    ) {
      return undefined
    }
    return await openCurrentStore(config)
  } catch {
    return undefined
  }
}
