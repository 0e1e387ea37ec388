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
  for (const name of ['tokenExpiration', 'allowExpiredWindow'] as const) {
    const value = options[name]
    if (!Number.isFinite(value) || value < 0) {
      throw new FernetError(
        FernetErrorCode.InvalidArgument,
        `${name} must be a number of seconds >= 0`,
      )
    }
  }
}
