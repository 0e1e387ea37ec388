/**
 * Shared option shapes and validation for the key repository functions.
 * @module
 */

import { type Clock, systemClock } from '@baton/config'
import { FernetError, FernetErrorCode } from './errors.ts'
import { consoleLogger, type FernetLogger } from './logger.ts'
import { nodeRepositoryFs, type RepositoryFs } from './repository_fs.ts'

export type RepositoryOptions = {
  /** `[fernet_tokens] key_repository`. */
  path: string
  /** `[fernet_tokens] max_active_keys`: every key file counts, the staged key included. */
  maxActiveKeys: number
  /** Default: the wall clock. */
  clock?: Clock
  logger?: FernetLogger
  /** Test hook: replace single file operations to simulate failures. */
  fs?: Partial<RepositoryFs>
}

export type GuardOptions = {
  /** `[token] expiration`, seconds. */
  tokenExpiration: number
  /** `[token] allow_expired_window`, seconds. */
  allowExpiredWindow: number
  /**
   * Baton: the longest a token may live past its issue regardless of `expiration` (a job-bound
   * delegation, `[delegation] max_lifetime`), seconds; 0 or absent when none does. Keys must
   * outlive the longer of the two.
   */
  delegationLifetime?: number
}

/** How long a key must stay after it stopped being primary, and how to say why. */
export function keyLifetime(options: GuardOptions): { seconds: number; label: string } {
  const window = options.tokenExpiration + options.allowExpiredWindow
  const label = `expiration ${options.tokenExpiration} s + allow_expired_window ${options.allowExpiredWindow} s`
  const delegation = options.delegationLifetime ?? 0
  if (delegation <= window) return { seconds: window, label }
  return {
    seconds: delegation,
    label: `[delegation] max_lifetime ${delegation} s, longer than ${label}`,
  }
}

export type KeyInfo = { number: number; fingerprint: string }

export type Resolved = {
  path: string
  maxActiveKeys: number
  clock: Clock
  logger: FernetLogger
  fs: RepositoryFs
}

export function resolveOptions(options: RepositoryOptions): Resolved {
  const { maxActiveKeys } = options
  // keystone conf/fernet_tokens.py: max_active_keys has min=1.
  if (!Number.isSafeInteger(maxActiveKeys) || maxActiveKeys < 1) {
    throw new FernetError(FernetErrorCode.InvalidArgument, 'maxActiveKeys must be an integer >= 1')
  }
  return {
    path: options.path,
    maxActiveKeys,
    clock: options.clock ?? systemClock,
    logger: options.logger ?? consoleLogger,
    fs: { ...nodeRepositoryFs, ...options.fs },
  }
}

export function checkGuardOptions(options: GuardOptions): void {
  for (const name of ['tokenExpiration', 'allowExpiredWindow', 'delegationLifetime'] as const) {
    const value = options[name] ?? 0
    if (!Number.isFinite(value) || value < 0) {
      throw new FernetError(
        FernetErrorCode.InvalidArgument,
        `${name} must be a number of seconds >= 0`,
      )
    }
  }
}
