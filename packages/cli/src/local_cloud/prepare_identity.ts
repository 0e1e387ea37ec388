/**
 * Identity's files before it serves: its database schema (migrated first, before `up` writes
 * anything else, so a damaged database leaves the data directory as it was), its Fernet keys and
 * its bootstrap (admin, roles, region, its own endpoints at this run's port). Each step says one
 * line; SQLite's "malformed" becomes the file and the fix.
 * @module
 */
import { existsSync } from 'node:fs'
import { relative } from 'node:path'
import type { Config } from '@baton/config'
import { setupKeyRepository } from '@baton/fernet'
import {
  bootstrap,
  identityOptions,
  openCurrentStore,
  passwordSettings,
  syncDatabase,
} from '@baton/identity'
import { keySettings, loadIdentityConfig } from '../config_files.ts'
import type { CliIo } from '../io.ts'
import type { ConfigState } from './config_files.ts'
import { corruptDatabase, databasePath, isSqliteDamage } from './database_files.ts'
import { type CloudPlan, configPath, urlOf } from './plan.ts'
import type { CloudSecrets } from './secrets.ts'

type Progress = (line: string) => void

function damaged(plan: CloudPlan, error: unknown): unknown {
  return isSqliteDamage(error) ? corruptDatabase(plan.dataDir, 'identity', 'is damaged') : error
}

/** Migrates identity's database: the user's identity.conf names it, else the plan's identity.db. */
export async function syncIdentityDatabase(
  plan: CloudPlan,
  io: CliIo,
  identityConf: ConfigState,
  progress: Progress,
): Promise<void> {
  const file = databasePath(plan.dataDir, 'identity')
  const quiet = { ...io, err: () => {} } // the warnings come once, when identity's config is loaded
  const config =
    identityConf.kind === 'yours'
      ? loadIdentityConfig([configPath(plan, 'identity')], quiet)
      : loadIdentityConfig([], quiet, { database: { connection: `sqlite:///${file}` } })
  const isNew = !existsSync(file)
  let applied: readonly string[]
  try {
    applied = await syncDatabase(config)
  } catch (error) {
    throw damaged(plan, error)
  }
  const name = relative(plan.dataDir, file)
  progress(
    applied.length === 0
      ? `identity's database ${name} is up to date`
      : `${isNew ? 'created' : 'migrated'} identity's database ${name} (${applied.length} migrations)`,
  )
}

/** Fernet keys (created once) and the bootstrap (every run: idempotent, moves the endpoints). */
export async function prepareIdentity(
  plan: CloudPlan,
  io: CliIo,
  secrets: CloudSecrets,
  progress: Progress,
): Promise<void> {
  const config = loadIdentityConfig([configPath(plan, 'identity')], io)
  const keys = setupKeyRepository({
    ...keySettings(config),
    clock: io,
    logger: { warn: (m: string) => io.err(`baton: warning: ${m}`) },
  })
  const keyDir = relative(plan.dataDir, keySettings(config).path) || '.'
  progress(
    `${keys.created ? 'created' : 'using'} the Fernet keys in ${keyDir}/ (${keys.keys.length} keys)`,
  )
  let changes: number
  try {
    changes = await bootstrapIdentity(plan, config, secrets)
  } catch (error) {
    throw damaged(plan, error)
  }
  progress(
    changes === 0
      ? 'identity is bootstrapped (admin user and project, roles, region, endpoints)'
      : `bootstrapped identity (${changes} changes: admin user and project, roles, region, endpoints)`,
  )
}

async function bootstrapIdentity(
  plan: CloudPlan,
  config: Config,
  secrets: CloudSecrets,
): Promise<number> {
  const identityUrl = urlOf(plan, 'identity')
  let changes = 0
  const { store, database } = await openCurrentStore(config)
  try {
    await bootstrap(
      store,
      {
        password: secrets.admin,
        publicUrl: `${identityUrl}/v3/`,
        internalUrl: `${identityUrl}/v3/`,
        regionId: 'RegionOne',
      },
      {
        defaultDomainId: config.get(identityOptions).default_domain_id,
        hashing: passwordSettings(config),
        log: (line) => {
          if (!/already|exists, skipping/.test(line)) changes++
        },
      },
    )
  } finally {
    await database.close()
  }
  return changes
}
