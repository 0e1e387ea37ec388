/**
 * Brings a local cloud up from a plan: identity's database, passwords, configs, Fernet keys and
 * bootstrap (all idempotent, so a second run reuses the data), then identity, its catalog and
 * service users, then the services from the end of the chain to its start (object, image, volume,
 * compute). Each step is reported as it happens (`progress`); damaged files are refused before
 * anything is written; an abort (Ctrl-C) between steps stops whatever was started.
 * @module
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { CliIo } from '../io.ts'
import { type ConfigState, inspectConfigs, writeCloudConfigs } from './config_files.ts'
import { checkDatabaseFiles } from './database_files.ts'
import { type CloudPlan, type ProgramName, SERVICE_FACTS, SERVICES, urlOf } from './plan.ts'
import { prepareIdentity, syncIdentityDatabase } from './prepare_identity.ts'
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

/** The end of the delegation chain first, so each service's next hop is up before it. */
const START_ORDER: readonly ProgramName[] = [...SERVICES].reverse()

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

  await syncIdentityDatabase(plan, io, configs.identity, progress)
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
    const users = SERVICES.map((s) => SERVICE_FACTS[s].serviceUser).join(', ')
    progress(`provisioned the service users (${users}) and the catalog`)
    for (const name of START_ORDER) await start(name)
  } catch (error) {
    await stop()
    if (signal?.aborted) throw new StartInterrupted(programs.map((p) => p.name))
    throw error
  }
  return { plan, secrets, programs, stop }
}
