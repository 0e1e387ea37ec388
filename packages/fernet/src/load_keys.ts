/**
 * `loadKeys`: keystone fernet_utils.load_keys, with clear errors instead of an empty list.
 * @module
 */

import type { Clock } from '@baton/config'
import { FernetError, FernetErrorCode } from './errors.ts'
import { checkRepositoryDirectory, type KeyFile, readKeyFiles } from './key_files.ts'
import { consoleLogger, type FernetLogger } from './logger.ts'
import { MultiFernet } from './multi_fernet.ts'

export type LoadedKey = {
  readonly number: number
  /** The key text; non-enumerable so logging or JSON-encoding a key list does not reveal it. */
  readonly key: string
  readonly fingerprint: string
}

export type LoadedKeys = {
  /** Primary first: numbers descending, staged `0` last (the MultiFernet order). */
  readonly keys: readonly LoadedKey[]
  readonly fernet: MultiFernet
}

export type LoadOptions = {
  logger?: FernetLogger
  /** Clock for the MultiFernet (ms). */
  clock?: Clock
}

/**
 * Throws FernetError (a distinct code each) when the repository is missing, not a directory,
 * unreadable, open to group/other, holds a corrupt key file, or no keys at all (keystone's
 * token provider exits on the last one).
 */
export function loadKeys(path: string, options: LoadOptions = {}): LoadedKeys {
  const logger = options.logger ?? consoleLogger
  checkRepositoryDirectory(path)
  const files = readKeyFiles(path, logger)
  if (files.length === 0) {
    throw new FernetError(
      FernetErrorCode.NoKeys,
      `key repository ${path} holds no keys (run setup)`,
    )
  }
  const fernetOptions = options.clock === undefined ? {} : { clock: options.clock }
  return {
    keys: files.map(toLoadedKey),
    fernet: new MultiFernet(
      files.map((file) => file.key),
      fernetOptions,
    ),
  }
}

function toLoadedKey(file: KeyFile): LoadedKey {
  const loaded = { number: file.number, fingerprint: file.fingerprint } as LoadedKey
  Object.defineProperty(loaded, 'key', { value: file.key, enumerable: false })
  return Object.freeze(loaded)
}
