/**
 * A node's keys when `[fernet_tokens] key_store = database`: loaded (and unwrapped) once at
 * start, then kept current by a cheap poll of one small row (`fernet_key_set.generation`) every
 * `pollMs`; only a changed generation reads and unwraps the set again. No database read per
 * token: `current()` hands out the MultiFernet built at the last change.
 * @module
 */

import type { Clock } from '@baton/config'
import {
  FernetError,
  FernetErrorCode,
  type FernetLogger,
  type KeyEncryptionKey,
  MultiFernet,
} from '@baton/fernet'
import type { Kysely } from 'kysely'
import type { Schema } from '../store/schema.ts'
import {
  asKeyFiles,
  type KeySet,
  type KeySetName,
  readGeneration,
  readKeySet,
} from './key_set_store.ts'

export type DatabaseKeysOptions = {
  readonly db: Kysely<Schema>
  readonly repository: KeySetName
  readonly kek: KeyEncryptionKey
  readonly logger: FernetLogger
  readonly clock?: Clock
  /** ms between generation polls (default 250). */
  readonly pollMs?: number
}

export class DatabaseKeys {
  readonly #options: DatabaseKeysOptions
  #set: KeySet
  #fernet: MultiFernet
  #timer: NodeJS.Timeout | undefined
  #polling = false
  #failing = false
  #closed = false

  private constructor(options: DatabaseKeysOptions, set: KeySet) {
    this.#options = options
    this.#set = set
    this.#fernet = this.#build(set)
  }

  /** Throws FernetError (NoKeys, KeyEncryptionKey) when the node cannot start with these keys. */
  static async open(options: DatabaseKeysOptions): Promise<DatabaseKeys> {
    const set = await readKeySet(options.db, options.repository, options.kek)
    if (set === undefined || set.keys.length === 0) {
      throw new FernetError(
        FernetErrorCode.NoKeys,
        `the database holds no ${options.repository} keys (key_store = database)`,
      )
    }
    const keys = new DatabaseKeys(options, set)
    keys.#start()
    return keys
  }

  current(): MultiFernet {
    return this.#fernet
  }

  /** Fingerprints of the loaded keys, primary first (for the heartbeat). */
  fingerprints(): string[] {
    return this.#set.keys.map((key) => key.fingerprint)
  }

  /** The loaded set as key files and history (for the rotation guard's status). */
  keyFiles(): ReturnType<typeof asKeyFiles> {
    return asKeyFiles(this.#set)
  }

  get generation(): number {
    return this.#set.generation
  }

  close(): void {
    this.#closed = true
    if (this.#timer !== undefined) clearInterval(this.#timer)
    this.#timer = undefined
  }

  /** Polls now (tests, and a rotation made by this very node). */
  async refresh(): Promise<void> {
    if (this.#polling || this.#closed) return
    this.#polling = true
    const { db, repository, kek, logger } = this.#options
    try {
      const generation = await readGeneration(db, repository)
      if (generation !== undefined && generation !== this.#set.generation) {
        const set = await readKeySet(db, repository, kek)
        if (set !== undefined && set.keys.length > 0) {
          this.#fernet = this.#build(set)
          this.#set = set
          logger.info?.(
            `${repository} keys: loaded generation ${set.generation} from the database (${set.keys.length} keys)`,
          )
        }
      }
      if (this.#failing) logger.warn(`${repository} keys: reading the database works again`)
      this.#failing = false
    } catch (error) {
      if (!this.#failing) {
        const reason = error instanceof Error ? error.message : 'unknown error'
        logger.warn(
          `${repository} keys: cannot read the database, keeping the keys loaded: ${reason}`,
        )
      }
      this.#failing = true
    } finally {
      this.#polling = false
    }
  }

  #build(set: KeySet): MultiFernet {
    const clock = this.#options.clock
    return new MultiFernet(
      set.keys.map((key) => key.key),
      clock === undefined ? {} : { clock },
    )
  }

  #start(): void {
    const timer = setInterval(() => void this.refresh(), this.#options.pollMs ?? 250)
    timer.unref()
    this.#timer = timer
  }
}
