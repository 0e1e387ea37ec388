/**
 * `WatchedKeyRepository`: keys that follow the directory (rotation, rsync distribution) without
 * a restart and without a disk read per token. fs.watch (debounced) marks changes; since it can
 * miss events, access also stats the directory at most once per `recheckIntervalMs`.
 * @module
 */

import { type BigIntStats, type FSWatcher, statSync, watch } from 'node:fs'
import { type Clock, systemClock } from '@baton/config'
import { type LoadedKey, loadKeys } from './load_keys.ts'
import { consoleLogger, type FernetLogger, logInfo } from './logger.ts'
import type { MultiFernet } from './multi_fernet.ts'

export type WatchOptions = {
  logger?: FernetLogger
  /** For the recheck interval and the MultiFernet (default: the wall clock). */
  clock?: Clock
  /** Minimum ms between directory stats on access (default 1000). */
  recheckIntervalMs?: number
  /** ms to wait for a burst of fs.watch events to settle (default 100). */
  debounceMs?: number
  /** Use fs.watch (default true); without it only the stat fallback notices changes. */
  watch?: boolean
}

export class WatchedKeyRepository {
  readonly #path: string
  readonly #logger: FernetLogger
  readonly #clock: Clock
  readonly #recheckIntervalMs: number
  readonly #debounceMs: number
  readonly #useWatch: boolean
  #fernet: MultiFernet
  #keys: readonly LoadedKey[]
  #signature: string
  #lastCheck: number
  #dirty = false
  #failing = false
  #watcher: FSWatcher | undefined
  #timer: NodeJS.Timeout | undefined
  #closed = false

  /** Loads synchronously and throws FernetError if the first load fails (keystone exits too). */
  constructor(path: string, options: WatchOptions = {}) {
    this.#path = path
    this.#logger = options.logger ?? consoleLogger
    this.#clock = options.clock ?? systemClock
    this.#recheckIntervalMs = options.recheckIntervalMs ?? 1000
    this.#debounceMs = options.debounceMs ?? 100
    this.#useWatch = options.watch ?? true
    this.#signature = this.#stat()
    const loaded = loadKeys(path, { logger: this.#logger, clock: this.#clock })
    this.#fernet = loaded.fernet
    this.#keys = loaded.keys
    this.#lastCheck = this.#clock.now()
    this.#startWatching()
  }

  /** The current keys' MultiFernet; never throws (a failed reload keeps the previous keys). */
  current(): MultiFernet {
    this.#maybeReload()
    return this.#fernet
  }

  /** The current keys, primary first. */
  keys(): readonly LoadedKey[] {
    this.#maybeReload()
    return this.#keys
  }

  close(): void {
    this.#closed = true
    this.#watcher?.close()
    this.#watcher = undefined
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#timer = undefined
  }

  #maybeReload(): void {
    if (this.#closed) return
    const now = this.#clock.now()
    if (now - this.#lastCheck < this.#recheckIntervalMs && !this.#dirty) return
    this.#lastCheck = now
    const signature = this.#stat()
    // A failed reload retries at each interval: a half-copied file may be completed in place.
    if (this.#dirty || this.#failing || signature !== this.#signature) this.#reload(signature)
  }

  #reload(signature: string): void {
    this.#dirty = false
    try {
      const loaded = loadKeys(this.#path, { logger: this.#logger, clock: this.#clock })
      this.#fernet = loaded.fernet
      this.#keys = loaded.keys
      if (this.#failing)
        logInfo(this.#logger, `key repository ${this.#path}: reload succeeded again`)
      this.#failing = false
      logInfo(this.#logger, `key repository ${this.#path}: reloaded ${loaded.keys.length} keys`)
    } catch (error) {
      if (!this.#failing) {
        const reason = error instanceof Error ? error.message : 'unknown error'
        this.#logger.warn(
          `key repository ${this.#path}: reload failed, keeping the previous keys: ${reason}`,
        )
      }
      this.#failing = true
    }
    if (
      signature !== this.#signature &&
      this.#signature.split(':')[0] !== signature.split(':')[0]
    ) {
      this.#restartWatching() // the directory itself was replaced (e.g. mv of a new repository)
    }
    this.#signature = signature
  }

  /** Inode + mtime + ctime of the directory (ns): renames and new files change it. */
  #stat(): string {
    let stats: BigIntStats
    try {
      stats = statSync(this.#path, { bigint: true })
    } catch {
      return 'missing'
    }
    return `${stats.ino}:${stats.mtimeNs}:${stats.ctimeNs}`
  }

  #startWatching(): void {
    if (!this.#useWatch || this.#closed) return
    try {
      const watcher = watch(this.#path, { persistent: false }, () => this.#onEvent())
      watcher.on('error', () => {
        watcher.close()
        if (this.#watcher === watcher) this.#watcher = undefined
      })
      this.#watcher = watcher
    } catch {
      this.#watcher = undefined // the stat fallback still notices changes
    }
  }

  #restartWatching(): void {
    this.#watcher?.close()
    this.#watcher = undefined
    this.#startWatching()
  }

  #onEvent(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    const timer = setTimeout(() => {
      this.#timer = undefined
      if (this.#closed) return
      this.#dirty = true
      this.#maybeReload()
    }, this.#debounceMs)
    timer.unref()
    this.#timer = timer
  }
}
