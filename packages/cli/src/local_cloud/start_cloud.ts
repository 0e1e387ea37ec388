/**
 * Brings a local cloud up from a plan: passwords, configs, Fernet keys, identity's database and
 * bootstrap (all idempotent, so a second run reuses the data), then identity, its catalog and
 * service users, then the services from the end of the chain to its start (object, image, volume,
 * compute). Each step is reported as it happens (`progress`); damaged files are refused before
 * anything is written; an abort (Ctrl-C) between steps stops whatever was started.
 * @module
 */
import { existsSync, mkdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import { setupKeyRepository } from '@baton/fernet'
import {
  bootstrap,
  identityOptions,
  openCurrentStore,
  passwordSettings,
  syncDatabase,
} from '@baton/identity'
import { keySettings } from '../commands/keys.ts'
import { loadIdentityConfig } from '../config_files.ts'
import type { CliIo } from '../io.ts'
import { type ConfigState, inspectConfigs, writeCloudConfigs } from './config_files.ts'
import {
  checkDatabaseFiles,
  corruptDatabase,
  databasePath,
  isSqliteDamage,
} from './database_files.ts'
import {
  type CloudPlan,
  configPath,
  type ProgramName,
  SERVICE_INFO,
  SERVICES,
  urlOf,
} from './plan.ts'
import {
  type Program,
  StartInterrupted,
  spawnProgram,
  stopPrograms,
  waitUntilServing,
} from './processes.ts'
import { provisionCloud } from './provision.ts'
import { reportConfigs } from './report.ts'
import { type CloudSecrets, createSecrets, readSecrets } from './secrets.ts'

export type LocalCloud = {
  readonly plan: CloudPlan
  readonly secrets: CloudSecrets
  readonly programs: readonly Program[]
  stop(): Promise<void>
}

export type StartOptions = {
  /** One line per step as it happens (default: silent). */
  readonly progress?: (line: string) => void
  /** Aborting stops what was started and rejects with `StartInterrupted`. */
  readonly signal?: AbortSignal
  /** The config files as found before the ports were planned (read again when absent). */
  readonly configs?: Record<ProgramName, ConfigState>
}

const START_ORDER: readonly ProgramName[] = ['object', 'image', 'volume', 'compute']

export async function startLocalCloud(
  plan: CloudPlan,
  io: CliIo,
  options: StartOptions = {},
): Promise<LocalCloud> {
  const { progress = () => {}, signal } = options
  const checkpoint = (): void => {
    if (signal?.aborted) throw new StartInterrupted()
  }
  // everything that can refuse does so before the first write
  const existing = readSecrets(plan.dataDir)
  checkDatabaseFiles(plan.dataDir)
  const configs = options.configs ?? inspectConfigs(plan.dataDir)
  checkpoint()

  mkdirSync(join(plan.dataDir, 'logs'), { recursive: true, mode: 0o700 })
  const secrets = existing ?? createSecrets(plan.dataDir)
  if (existing === undefined) {
    progress('created secrets.json (passwords of admin and the service users, mode 0600)')
  }
  reportConfigs(writeCloudConfigs(plan, secrets, configs), progress)
  checkpoint()
  await prepareIdentity(plan, io, secrets, progress)
  checkpoint()

  const programs: Program[] = []
  const stop = () => stopPrograms(programs)
  const start = async (name: ProgramName): Promise<void> => {
    checkpoint()
    const program = spawnProgram(plan, name)
    programs.push(program)
    const began = io.now()
    progress(`starting ${name} (pid ${program.child.pid}) on ${urlOf(plan, name)}`)
    await waitUntilServing(plan, program, signal === undefined ? {} : { signal })
    progress(`${name} is ready (${((io.now() - began) / 1000).toFixed(1)} s)`)
  }
  try {
    await start('identity')
    checkpoint()
    await provisionCloud(plan, secrets, existing === undefined)
    const users = SERVICES.map((s) => SERVICE_INFO[s].user).join(', ')
    progress(`provisioned the service users (${users}) and the catalog`)
    for (const name of START_ORDER) await start(name)
  } catch (error) {
    await stop()
    if (signal?.aborted) throw new StartInterrupted(programs.map((p) => p.name))
    throw error
  }
  return { plan, secrets, programs, stop }
}

/** Keys, schema and bootstrap of identity, straight on its files (nothing listens yet). */
async function prepareIdentity(
  plan: CloudPlan,
  io: CliIo,
  secrets: CloudSecrets,
  progress: (line: string) => void,
): Promise<void> {
  const config = loadIdentityConfig([configPath(plan, 'identity')], io)
  const keys = setupKeyRepository({
    ...keySettings(config),
    clock: io.now,
    logger: { warn: (m: string) => io.err(`baton: warning: ${m}`) },
  })
  const keyDir = relative(plan.dataDir, keySettings(config).path) || '.'
  progress(
    `${keys.created ? 'created the Fernet keys in' : 'using the Fernet keys in'} ${keyDir}/ (${keys.keys.length} keys)`,
  )
  const damaged = (error: unknown): unknown =>
    isSqliteDamage(error) ? corruptDatabase(plan.dataDir, 'identity', 'is damaged') : error
  const dbFile = relative(plan.dataDir, databasePath(plan.dataDir, 'identity'))
  const isNew = !existsSync(databasePath(plan.dataDir, 'identity'))
  try {
    const applied = await syncDatabase(config)
    progress(
      applied.length === 0
        ? `identity's database ${dbFile} is up to date`
        : `${isNew ? 'created' : 'migrated'} identity's database ${dbFile} (${applied.length} migrations)`,
    )
    const identityUrl = urlOf(plan, 'identity')
    const changes: string[] = []
    const { store, database } = await openCurrentStore(config)
    try {
      // every run: idempotent, and it moves identity's endpoints when the port changed
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
            if (!/already|exists, skipping/.test(line)) changes.push(line)
          },
        },
      )
    } finally {
      await database.close()
    }
    progress(
      changes.length === 0
        ? 'identity is bootstrapped (admin user and project, roles, region, endpoints)'
        : `bootstrapped identity (${changes.length} changes: admin user and project, roles, region, endpoints)`,
    )
  } catch (error) {
    throw damaged(error)
  }
}
