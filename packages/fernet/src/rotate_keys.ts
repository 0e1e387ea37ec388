/**
 * `rotateKeyRepository`: keystone fernet_utils.rotate_keys plus the rotation guard and the
 * key-history sidecar, written all-or-nothing.
 * @module
 */

import { join } from 'node:path'
import { FernetError, FernetErrorCode } from './errors.ts'
import {
  checkRepositoryDirectory,
  HISTORY_FILE,
  type KeyFile,
  readKeyFiles,
  STAGED_TMP_FILE,
} from './key_files.ts'
import { type KeyHistory, readHistory, serializeHistory } from './key_history.ts'
import { generateKey, keyFingerprint } from './key_text.ts'
import { logInfo } from './logger.ts'
import {
  checkGuardOptions,
  type GuardOptions,
  type KeyInfo,
  type RepositoryOptions,
  type Resolved,
  resolveOptions,
} from './options.ts'
import { newFileStep, removeIfPresent, runAllOrNothing } from './repository_fs.ts'
import { type DroppedKey, evaluateRotation, type GuardVerdict, iso } from './rotation_guard.ts'

export type RotateOptions = RepositoryOptions &
  GuardOptions & {
    /** Rotate even when the purge drops keys that valid tokens may still need. */
    force?: boolean
  }

export type RotationResult = {
  rotatedAt: number
  /** The former staged key, under its new number. */
  promoted: KeyInfo
  /** The former primary, now secondary (or purged); null when it was the staged key itself. */
  retired: KeyInfo | null
  /** The new key `0`. */
  staged: KeyInfo
  /** Every key the purge deleted, with until when its tokens would have stayed valid. */
  purged: DroppedKey[]
  /** The purged keys that valid tokens may still need (non-empty only with force). */
  broken: DroppedKey[]
  /** True when force overrode the guard. */
  forced: boolean
  /** The repository afterwards, primary first. */
  keys: KeyInfo[]
}

export function rotateKeyRepository(options: RotateOptions): RotationResult {
  const resolved = resolveOptions(options)
  checkGuardOptions(options)
  checkRepositoryDirectory(resolved.path, { write: true })
  const files = readKeyFiles(resolved.path, resolved.logger)
  requireStaged(resolved.path, files)
  const history = readHistory(resolved.path, resolved.logger)
  const now = resolved.clock.now()
  const verdict = evaluateRotation({
    ...options,
    files,
    history,
    maxActiveKeys: resolved.maxActiveKeys,
    now,
  })
  if (verdict.blocking.length > 0 && options.force !== true) {
    throw new FernetError(
      FernetErrorCode.RotationUnsafe,
      refusal(resolved.path, verdict, resolved.maxActiveKeys),
    )
  }
  return commitRotation(resolved, files, history, verdict, now)
}

/** keystone would crash half-way (max() of nothing, or rename of a missing `0`); refuse first. */
function requireStaged(dir: string, files: readonly KeyFile[]): KeyFile {
  const staged = files.find((file) => file.number === 0)
  if (staged !== undefined) return staged
  if (files.length === 0) {
    throw new FernetError(
      FernetErrorCode.NoKeys,
      `cannot rotate key repository ${dir}: it holds no keys (run setup first)`,
    )
  }
  throw new FernetError(
    FernetErrorCode.NoStagedKey,
    `cannot rotate key repository ${dir}: it has no staged key file 0 (missing or empty)`,
  )
}

function refusal(path: string, verdict: GuardVerdict, maxActiveKeys: number): string {
  const earliest =
    verdict.earliestSafeRotation !== null
      ? `earliest safe rotation: ${iso(verdict.earliestSafeRotation)}`
      : verdict.blocking.some((key) => key.neededUntil === null)
        ? 'earliest safe rotation: unknown, the key history does not say when these keys retired'
        : `earliest safe rotation: never with max_active_keys=${maxActiveKeys}, which purges the primary at every rotation`
  return [
    `refusing to rotate key repository ${path}: the purge would drop keys that valid tokens may still need`,
    ...verdict.reasons.map((line) => `  ${line}`),
    earliest,
  ].join('\n')
}

/**
 * Writes `0.tmp` and the history tmp, renames `0` → highest+1, `0.tmp` → `0`, the history tmp
 * into place, then purges. Any failure before the purge undoes the completed steps.
 */
export function commitRotation(
  options: Resolved,
  files: readonly KeyFile[],
  history: KeyHistory,
  verdict: GuardVerdict,
  now: number,
): RotationResult {
  const { path: dir, fs, logger } = options
  const staged = requireStaged(dir, files)
  const primary = files[0] ?? staged
  const { newPrimaryNumber, purged } = verdict.plan
  const newKey = generateKey()
  const newFingerprint = keyFingerprint(newKey)
  const next: KeyHistory = new Map(history)
  if (primary !== staged)
    next.set(primary.fingerprint, { ...history.get(primary.fingerprint), retiredAt: now })
  next.set(staged.fingerprint, { ...history.get(staged.fingerprint), promotedAt: now })
  next.set(newFingerprint, { createdAt: now })
  const purgedSet = new Set(purged)
  const after: KeyInfo[] = files
    .filter((file) => !purgedSet.has(file))
    .map((file) => ({
      number: file === staged ? newPrimaryNumber : file.number,
      fingerprint: file.fingerprint,
    }))
    .concat({ number: 0, fingerprint: newFingerprint })
    .sort((a, b) => b.number - a.number)

  const tmpKey = join(dir, STAGED_TMP_FILE)
  const historyFile = join(dir, HISTORY_FILE)
  const tmpHistory = `${historyFile}.tmp`
  const promotedPath = join(dir, String(newPrimaryNumber))
  const stagedPath = join(dir, '0')
  runAllOrNothing(dir, [
    {
      describe: 'remove stale temporary files',
      run: () => {
        removeIfPresent(fs, tmpKey)
        removeIfPresent(fs, tmpHistory)
      },
    },
    newFileStep(fs, tmpKey, newKey, `write ${STAGED_TMP_FILE}`),
    newFileStep(
      fs,
      tmpHistory,
      serializeHistory(
        next,
        after.map((key) => key.fingerprint),
      ),
      `write ${HISTORY_FILE}.tmp`,
    ),
    {
      describe: `rename ${staged.name} to ${newPrimaryNumber}`,
      run: () => fs.rename(staged.path, promotedPath),
      undo: () => fs.rename(promotedPath, staged.path),
    },
    {
      describe: `rename ${STAGED_TMP_FILE} to 0`,
      run: () => fs.rename(tmpKey, stagedPath),
      undo: () => fs.rename(stagedPath, tmpKey),
    },
    { describe: `replace ${HISTORY_FILE}`, run: () => fs.rename(tmpHistory, historyFile) },
  ])
  logInfo(
    logger,
    `key repository ${dir}: promoted staged key to primary ${newPrimaryNumber}, staged new key 0 (fingerprint ${newFingerprint})`,
  )

  const dropped = verdict.dropped
  for (const file of purged) {
    const path = file === staged ? promotedPath : file.path
    try {
      fs.unlink(path)
      logInfo(
        logger,
        `key repository ${dir}: purged key ${file.number} (fingerprint ${file.fingerprint})`,
      )
    } catch {
      // The rotation is committed; a leftover key only delays its purge to the next rotation.
      logger.warn(`key repository ${dir}: could not purge key file ${path}`)
    }
  }
  const broken = verdict.blocking
  return {
    rotatedAt: now,
    promoted: { number: newPrimaryNumber, fingerprint: staged.fingerprint },
    retired:
      primary === staged ? null : { number: primary.number, fingerprint: primary.fingerprint },
    staged: { number: 0, fingerprint: newFingerprint },
    purged: dropped,
    broken,
    forced: broken.length > 0,
    keys: after,
  }
}
