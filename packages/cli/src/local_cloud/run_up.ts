/**
 * `baton up` from parsed flags to Ctrl-C: takes the data directory's lock, refuses damaged files
 * before writing anything, plans the ports (saying which default was busy), starts the cloud step by
 * step with one progress line each, prints how to use it, and on SIGINT/SIGTERM (during start-up
 * too) stops every program it started and says which. The lock goes with the process.
 * @module
 */
import { existsSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { CliIo } from '../io.ts'
import { inspectConfigs, keptServicePorts } from './config_files.ts'
import { lockDataDir } from './data_dir_lock.ts'
import { checkDatabaseFiles } from './database_files.ts'
import { prepareLocalTls, trustLocalCa } from './local_tls.ts'
import type { CloudPlan, ProgramName } from './plan.ts'
import { planPorts } from './ports.ts'
import { reportUnexpectedExits, StartInterrupted } from './processes.ts'
import { readSecrets } from './secrets.ts'
import { type LocalCloud, startLocalCloud } from './start_cloud.ts'
import { printUsage } from './usage.ts'

export type UpFlags = {
  readonly dataDir: string
  readonly port?: number
  readonly host: string
  readonly anyPorts?: boolean
  /** Serve every program on HTTPS with certificates from a local CA. */
  readonly tls?: boolean
}

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((done) => {
    if (signal.aborted) return done()
    signal.addEventListener('abort', () => done(), { once: true })
  })
}

export async function runUp(flags: UpFlags, io: CliIo): Promise<void> {
  const dataDir = resolve(flags.dataDir)
  const say = (line: string): void => io.err(`baton up: ${line}`)
  // a refusal on a fresh directory leaves nothing behind, not even the directory
  const freshDir = !existsSync(dataDir)
  let started = false
  const abort = new AbortController()
  const onSignal = (): void => abort.abort()
  // SIGHUP: the terminal closed; stop the cloud rather than orphan it
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const
  for (const name of signals) process.on(name, onSignal)
  const lock = (() => {
    try {
      return lockDataDir(dataDir, say)
    } catch (error) {
      for (const name of signals) process.off(name, onSignal)
      throw error
    }
  })()
  try {
    const firstRun = !existsSync(join(dataDir, 'identity.conf'))
    say(`${firstRun ? 'creating' : 'reusing'} the local cloud in ${dataDir}`)
    readSecrets(dataDir)
    checkDatabaseFiles(dataDir)
    const configs = inspectConfigs(dataDir)
    const kept = keptServicePorts(configs)
    const fixedBy: Partial<Record<ProgramName, string>> = { identity: '--port' }
    for (const service of Object.keys(kept))
      fixedBy[service as ProgramName] = `your ${service}.conf`
    const { ports, notes } = await planPorts({
      host: flags.host,
      fixed: { ...(flags.port === undefined ? {} : { identity: flags.port }), ...kept },
      fixedBy,
      anyPorts: flags.anyPorts === true,
    })
    for (const note of notes) say(note)
    const tls = flags.tls === true ? prepareLocalTls(dataDir, say) : undefined
    if (tls !== undefined) trustLocalCa(tls)
    const plan: CloudPlan = {
      dataDir,
      host: flags.host,
      ports,
      tokenExpiration: 3600,
      allowExpiredWindow: 172800,
      maxActiveKeys: 5,
      copyBytesPerSecond: 0,
      copyChunkBytes: 0,
      sendServiceUserToken: true,
      delegate: true,
      ...(tls === undefined ? {} : { tls }),
    }
    let cloud: LocalCloud
    started = true
    try {
      cloud = await startLocalCloud(plan, io, { progress: say, signal: abort.signal, configs })
    } catch (error) {
      if (!(error instanceof StartInterrupted)) throw error
      say(
        error.stopped.length === 0
          ? 'interrupted before any program was started'
          : `interrupted; stopped ${error.stopped.join(', ')}`,
      )
      return
    }
    printUsage(io, cloud, firstRun)
    reportUnexpectedExits(plan, cloud.programs, () => abort.signal.aborted, say)
    await untilAborted(abort.signal)
    io.out('Stopping...')
    await cloud.stop()
    io.out(`Stopped ${cloud.programs.map((p) => p.name).join(', ')}.`)
  } finally {
    for (const name of signals) process.off(name, onSignal)
    lock.release()
    if (freshDir && !started) rmSync(dataDir, { recursive: true, force: true })
  }
}
