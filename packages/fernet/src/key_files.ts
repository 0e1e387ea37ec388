/**
 * Reading a key repository directory: permission checks (keystone `validate_key_repository`,
 * stricter) and the key listing (keystone `_get_key_files`).
 * @module
 */

import { accessSync, constants, readdirSync, readFileSync, type Stats, statSync } from 'node:fs'
import { join } from 'node:path'
import { FernetError, FernetErrorCode } from './errors.ts'
import { parseKeyNumber } from './key_names.ts'
import { isValidKeyText, keyFingerprint } from './key_text.ts'
import type { FernetLogger } from './logger.ts'

/** Baton's sidecar; keystone ignores it because `int()` rejects the name. */
export const HISTORY_FILE = '.baton-key-history.json'
export const STAGED_TMP_FILE = '0.tmp'
const OWN_FILES = new Set([HISTORY_FILE, `${HISTORY_FILE}.tmp`, STAGED_TMP_FILE])

export type KeyFile = {
  readonly number: number
  readonly name: string
  readonly path: string
  readonly key: string
  readonly fingerprint: string
}

function errnoCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error ? String(error.code) : undefined
}

/**
 * Throws a distinct FernetError when the directory is missing, not a directory, not readable
 * (R_OK|X_OK like keystone), not writable (when `write`), or open to group/other: keystone only
 * warns when it is world-readable; Baton refuses.
 */
export function checkRepositoryDirectory(path: string, options: { write?: boolean } = {}): Stats {
  let stats: Stats
  try {
    stats = statSync(path)
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') {
      throw new FernetError(
        FernetErrorCode.RepositoryMissing,
        `key repository ${path} does not exist (create it with setup)`,
      )
    }
    throw new FernetError(
      FernetErrorCode.RepositoryUnreadable,
      `cannot stat key repository ${path}`,
      {
        cause: error,
      },
    )
  }
  if (!stats.isDirectory()) {
    throw new FernetError(
      FernetErrorCode.RepositoryNotDirectory,
      `key repository ${path} is not a directory`,
    )
  }
  try {
    accessSync(path, constants.R_OK | constants.X_OK)
  } catch (error) {
    throw new FernetError(
      FernetErrorCode.RepositoryUnreadable,
      `key repository ${path} is not readable by this process`,
      { cause: error },
    )
  }
  if ((stats.mode & 0o077) !== 0) {
    const mode = (stats.mode & 0o777).toString(8).padStart(3, '0')
    throw new FernetError(
      FernetErrorCode.RepositoryPermissions,
      `key repository ${path} has mode ${mode}, open to group/other; run: chmod 700 ${path}`,
    )
  }
  if (options.write === true) {
    try {
      accessSync(path, constants.W_OK)
    } catch (error) {
      throw new FernetError(
        FernetErrorCode.RepositoryNotWritable,
        `key repository ${path} is not writable by this process`,
        { cause: error },
      )
    }
  }
  return stats
}

/**
 * Every key file, highest number first (keystone `load_keys` order = MultiFernet order).
 * Non-numeric names and empty files are skipped with a warning, as keystone does for empty ones;
 * whitespace around the key is trimmed (pyca's lenient base64 tolerates a trailing newline).
 */
export function readKeyFiles(dir: string, logger: FernetLogger): KeyFile[] {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch (error) {
    throw new FernetError(
      FernetErrorCode.RepositoryUnreadable,
      `cannot list key repository ${dir}`,
      {
        cause: error,
      },
    )
  }
  const byNumber = new Map<number, KeyFile>()
  for (const name of names.sort()) {
    const path = join(dir, name)
    // keystone: os.path.isfile, which follows symlinks.
    if (!isRegularFile(path)) continue
    const number = parseKeyNumber(name)
    if (number === undefined) {
      if (!OWN_FILES.has(name)) logger.warn(`ignoring non-numeric file in key repository: ${path}`)
      continue
    }
    if (Number.isNaN(number)) {
      throw new FernetError(FernetErrorCode.KeyFileName, `key file ${path}: number is too large`)
    }
    const text = readKeyText(path)
    if (text.length === 0) {
      logger.warn(`ignoring empty key file in key repository: ${path}`)
      continue
    }
    const key = text.trim()
    if (!isValidKeyText(key)) {
      throw new FernetError(
        FernetErrorCode.KeyFileCorrupt,
        `key file ${path} (key ${number}) is not a Fernet key: expected url-safe base64 of 32 bytes`,
      )
    }
    const other = byNumber.get(number)
    if (other !== undefined) {
      // keystone would keep whichever os.listdir returned last; Baton refuses to guess.
      throw new FernetError(
        FernetErrorCode.KeyFileName,
        `key files ${other.path} and ${path} both name key ${number}; remove one`,
      )
    }
    byNumber.set(number, { number, name, path, key, fingerprint: keyFingerprint(key) })
  }
  return [...byNumber.values()].sort((a, b) => b.number - a.number)
}

function isRegularFile(path: string): boolean {
  try {
    return statSync(path).isFile()
  } catch {
    return false // dangling symlink or a file removed while listing
  }
}

function readKeyText(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    throw new FernetError(FernetErrorCode.RepositoryUnreadable, `cannot read key file ${path}`, {
      cause: error,
    })
  }
}
