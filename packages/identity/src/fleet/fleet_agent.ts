/**
 * What each identity node does for the fleet, on a timer of `[fleet] heartbeat_interval`:
 * record its heartbeat, and, with `[fernet_tokens] rotation_interval` > 0 (database key store),
 * take or renew the rotation lease and, while holding it, rotate when the interval has passed
 * and the rotation guard and every live node allow. Why it waits is logged once per change of
 * reason. Failures never stop the node: a missed beat only makes it look lagging.
 * @module
 */
import type { Clock } from '@baton/config'
import { FernetError, type GuardOptions, type KeyEncryptionKey } from '@baton/fernet'
import type { StoreDatabase } from '../store/index.ts'
import { databaseNowMicros } from './database_clock.ts'
import type { DatabaseKeys } from './database_keys.ts'
import { laggingNodes, recordHeartbeat } from './fleet_nodes.ts'
import { rotateKeySet } from './key_set_changes.ts'
import { type KeySetName, readKeySetInfo } from './key_set_store.ts'
import { acquireLease } from './lease.ts'

export const ROTATION_LEASE = 'fernet_rotation'

export type AutoRotation = GuardOptions & {
  readonly intervalSeconds: number
  readonly maxActiveKeys: number
  readonly kek: KeyEncryptionKey
  readonly keys: DatabaseKeys
}

export type FleetAgentOptions = {
  readonly database: StoreDatabase
  readonly nodeId: string
  readonly address: string
  readonly intervalSeconds: number
  readonly keyStore: 'files' | 'database'
  readonly fingerprints: () => Partial<Record<KeySetName, readonly string[]>>
  readonly kekFingerprint: string | null
  readonly version: string
  readonly clock: Clock
  readonly log: { info(message: string): void; warn(message: string): void }
  readonly rotation?: AutoRotation | undefined
}

export class FleetAgent {
  readonly #options: FleetAgentOptions
  #timer: NodeJS.Timeout | undefined
  #running: Promise<void> | undefined
  #lastWait = ''
  #heartbeatFailing = false
  #closed = false

  constructor(options: FleetAgentOptions) {
    this.#options = options
  }

  /** Beats once now (awaited), then every interval. */
  async start(): Promise<void> {
    await this.tick()
    const timer = setInterval(() => void this.tick(), this.#options.intervalSeconds * 1000)
    timer.unref()
    this.#timer = timer
  }

  async close(): Promise<void> {
    this.#closed = true
    if (this.#timer !== undefined) clearInterval(this.#timer)
    this.#timer = undefined
    await this.#running
  }

  tick(): Promise<void> {
    if (this.#running !== undefined || this.#closed) return this.#running ?? Promise.resolve()
    this.#running = this.#tick().finally(() => {
      this.#running = undefined
    })
    return this.#running
  }

  async #tick(): Promise<void> {
    const o = this.#options
    try {
      await recordHeartbeat(o.database, {
        nodeId: o.nodeId,
        address: o.address,
        intervalSeconds: o.intervalSeconds,
        keyStore: o.keyStore,
        fingerprints: o.fingerprints(),
        kekFingerprint: o.kekFingerprint,
        version: o.version,
        now: o.clock.now(),
      })
      if (this.#heartbeatFailing) o.log.info('fleet: heartbeats are recorded again')
      this.#heartbeatFailing = false
    } catch (error) {
      if (!this.#heartbeatFailing)
        o.log.warn(`fleet: cannot record this node's heartbeat: ${reason(error)}`)
      this.#heartbeatFailing = true
      return
    }
    if (o.rotation !== undefined) await this.#maybeRotate(o.rotation)
  }

  async #maybeRotate(rotation: AutoRotation): Promise<void> {
    const o = this.#options
    try {
      const holder = await acquireLease(
        o.database,
        ROTATION_LEASE,
        o.nodeId,
        3 * o.intervalSeconds * 1000,
      )
      if (!holder) return this.#wait('') // another node rotates; nothing to say
      const info = await readKeySetInfo(o.database.db, 'fernet_tokens')
      const promotedAt = info?.keys[0]?.promotedAt
      const now = (await databaseNowMicros(o.database)) / 1000
      const due = promotedAt === undefined ? now : promotedAt + rotation.intervalSeconds * 1000
      if (now < due) return this.#wait('')
      const result = await rotateKeySet(o.database.db, {
        repository: 'fernet_tokens',
        kek: rotation.kek,
        maxActiveKeys: rotation.maxActiveKeys,
        tokenExpiration: rotation.tokenExpiration,
        allowExpiredWindow: rotation.allowExpiredWindow,
        delegationLifetime: rotation.delegationLifetime ?? 0,
        now,
        laggingNodes: (fingerprint) => laggingNodes(o.database, 'fernet_tokens', fingerprint),
      })
      this.#lastWait = ''
      o.log.info(
        `fleet: automatic rotation (node ${o.nodeId} holds the rotation lease): promoted key ${result.promoted.number} (${result.promoted.fingerprint}), staged ${result.staged.fingerprint}`,
      )
      await rotation.keys.refresh()
    } catch (error) {
      const why =
        error instanceof FernetError
          ? (error.message.split('\n')[0] ?? error.message)
          : reason(error)
      this.#wait(`fleet: automatic rotation waits: ${why}`)
    }
  }

  /** Logs a waiting reason once, when it changes. */
  #wait(message: string): void {
    if (message === this.#lastWait) return
    this.#lastWait = message
    if (message !== '') this.#options.log.warn(message)
  }
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
