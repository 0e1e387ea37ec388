/**
 * `setupKeyRepository`: keystone-manage fernet_setup (create_directory +
 * initialize_key_repository): a 0700 directory, key `0`, then one rotation → `0` and `1`.
 * @module
 */

import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { FernetError, FernetErrorCode } from './errors.ts'
import {
  checkRepositoryDirectory,
  HISTORY_FILE,
  readKeyFiles,
  STAGED_TMP_FILE,
} from './key_files.ts'
import { readHistory, serializeHistory } from './key_history.ts'
import { generateKey, keyFingerprint } from './key_text.ts'
import { logInfo } from './logger.ts'
import { type KeyInfo, type RepositoryOptions, type Resolved, resolveOptions } from './options.ts'
import { newFileStep, removeIfPresent, runAllOrNothing } from './repository_fs.ts'
import { commitRotation, type RotationResult } from './rotate_keys.ts'
import { evaluateRotation } from './rotation_guard.ts'

export type SetupResult = {
  /** False when key `0` already existed: setup never overwrites it (keystone aborts too). */
  created: boolean
  /** The repository afterwards, primary first. */
  keys: KeyInfo[]
}

export function setupKeyRepository(options: RepositoryOptions): SetupResult {
  const resolved = resolveOptions(options)
  const { path: dir, logger } = resolved
  createDirectory(dir)
  checkRepositoryDirectory(dir, { write: true })
  // keystone initialize_key_repository: os.access(<repo>/0, F_OK), even an empty `0` counts.
  if (existsSync(join(dir, '0'))) {
    logInfo(
      logger,
      `key repository ${dir} is already initialized (key 0 exists); not overwriting it`,
    )
    return {
      created: false,
      keys: readKeyFiles(dir, logger).map(({ number, fingerprint }) => ({ number, fingerprint })),
    }
  }
  const now = resolved.clock.now()
  const priorHistory = readIfPresent(join(dir, HISTORY_FILE))
  writeStagedKey(resolved, now)
  const files = readKeyFiles(dir, logger)
  const history = readHistory(dir, logger)
  // Nothing has encrypted with the fresh key yet, so this first rotation needs no guard window.
  const verdict = evaluateRotation({
    files,
    history,
    maxActiveKeys: resolved.maxActiveKeys,
    now,
    tokenExpiration: 0,
    allowExpiredWindow: 0,
  })
  let rotation: RotationResult
  try {
    rotation = commitRotation(resolved, files, history, verdict, now)
  } catch (error) {
    // Unlike keystone (which leaves a lone `0` behind), undo the first step too: a rerun starts clean.
    undoStagedKey(resolved, priorHistory)
    throw error
  }
  for (const key of rotation.purged) {
    if (key.number !== 0)
      logger.warn(
        `key repository ${dir}: setup purged pre-existing key ${key.number} (fingerprint ${key.fingerprint})`,
      )
  }
  return { created: true, keys: rotation.keys }
}

/** keystone utils.create_directory: os.makedirs(dir, 0o700); only the leaf gets 0700. */
function createDirectory(dir: string): void {
  if (existsSync(dir)) return
  try {
    mkdirSync(dirname(dir), { recursive: true })
    mkdirSync(dir, { mode: 0o700 })
    chmodSync(dir, 0o700) // the umask could have removed owner bits
  } catch (error) {
    throw new FernetError(FernetErrorCode.WriteFailed, `cannot create key repository ${dir}`, {
      cause: error,
    })
  }
}

/** keystone _create_new_key: `0.tmp` then rename to `0`; the history records its creation. */
function writeStagedKey(options: Resolved, now: number): void {
  const { path: dir, fs, logger } = options
  const key = generateKey()
  const fingerprint = keyFingerprint(key)
  const history = readHistory(dir, logger)
  history.set(fingerprint, { createdAt: now })
  const keep = readKeyFiles(dir, logger)
    .map((file) => file.fingerprint)
    .concat(fingerprint)
  const tmpKey = join(dir, STAGED_TMP_FILE)
  const historyFile = join(dir, HISTORY_FILE)
  const tmpHistory = `${historyFile}.tmp`
  const stagedPath = join(dir, '0')
  runAllOrNothing(dir, [
    {
      describe: 'remove stale temporary files',
      run: () => {
        removeIfPresent(fs, tmpKey)
        removeIfPresent(fs, tmpHistory)
      },
    },
    newFileStep(fs, tmpKey, key, `write ${STAGED_TMP_FILE}`),
    newFileStep(fs, tmpHistory, serializeHistory(history, keep), `write ${HISTORY_FILE}.tmp`),
    {
      describe: `rename ${STAGED_TMP_FILE} to 0`,
      run: () => fs.rename(tmpKey, stagedPath),
      undo: () => fs.rename(stagedPath, tmpKey),
    },
    { describe: `replace ${HISTORY_FILE}`, run: () => fs.rename(tmpHistory, historyFile) },
  ])
  logInfo(logger, `key repository ${dir}: created staged key 0 (fingerprint ${fingerprint})`)
}

function readIfPresent(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return undefined
  }
}

function undoStagedKey(options: Resolved, priorHistory: string | undefined): void {
  const { path: dir, fs, logger } = options
  try {
    removeIfPresent(fs, join(dir, '0'))
    const historyFile = join(dir, HISTORY_FILE)
    if (priorHistory === undefined) removeIfPresent(fs, historyFile)
    else writeFileSync(historyFile, priorHistory, { mode: 0o600 })
  } catch {
    logger.warn(`key repository ${dir}: setup failed and could not remove the key 0 it created`)
  }
}
