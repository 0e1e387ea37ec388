/**
 * Brings a local cloud up from a plan: configs, Fernet keys, identity's database and bootstrap (all
 * idempotent, so a second run reuses the data), then identity, its catalog and service users, then
 * the services from the end of the chain to its start (object, image, volume, compute).
 * @module
 */
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
import { writeCloudConfigs } from './config_files.ts'
import { type CloudPlan, configPath, type ProgramName, urlOf } from './plan.ts'
import { type Program, spawnProgram, stopPrograms, waitUntilServing } from './processes.ts'
import { provisionCloud } from './provision.ts'
import { type CloudSecrets, loadOrCreateSecrets } from './secrets.ts'

export type LocalCloud = {
  readonly plan: CloudPlan
  readonly secrets: CloudSecrets
  readonly programs: readonly Program[]
  stop(): Promise<void>
}

const START_ORDER: readonly ProgramName[] = ['object', 'image', 'volume', 'compute']

export async function startLocalCloud(plan: CloudPlan, io: CliIo): Promise<LocalCloud> {
  const secrets = loadOrCreateSecrets(plan.dataDir)
  writeCloudConfigs(plan, secrets)
  const config = loadIdentityConfig([configPath(plan, 'identity')], io)
  setupKeyRepository({
    ...keySettings(config),
    clock: io.now,
    logger: { warn: (m: string) => io.err(`baton: warning: ${m}`) },
  })
  await syncDatabase(config)
  const identityUrl = urlOf(plan, 'identity')
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
        log: () => {},
      },
    )
  } finally {
    await database.close()
  }

  const programs: Program[] = []
  const stop = () => stopPrograms(programs)
  try {
    const identity = spawnProgram(plan, 'identity')
    programs.push(identity)
    await waitUntilServing(plan, identity)
    await provisionCloud(plan, secrets)
    for (const name of START_ORDER) {
      const program = spawnProgram(plan, name)
      programs.push(program)
      await waitUntilServing(plan, program)
    }
  } catch (error) {
    await stop()
    throw error
  }
  return { plan, secrets, programs, stop }
}
