/**
 * `keyRepositoryStatus`: each key's role, fingerprint and history, and when the next rotation
 * becomes safe. Read-only.
 * @module
 */

import { checkRepositoryDirectory, type KeyFile, readKeyFiles } from './key_files.ts'
import { type KeyHistory, readHistory } from './key_history.ts'
import {
  checkGuardOptions,
  type GuardOptions,
  type RepositoryOptions,
  resolveOptions,
} from './options.ts'
import { evaluateRotation } from './rotation_guard.ts'

export type KeyRole = 'primary' | 'secondary' | 'staged'

export type KeyStatus = {
  number: number
  role: KeyRole
  fingerprint: string
  /** ms since the epoch, from the key history; absent when not recorded. */
  createdAt?: number
  promotedAt?: number
  retiredAt?: number
  /** Seconds since createdAt. */
  ageSeconds?: number
}

export type KeyRepositoryStatus = {
  /** Primary first. */
  keys: KeyStatus[]
  /** ms; null = no time can be shown safe with this max_active_keys (or the history is unknown). */
  earliestSafeRotation: number | null
  /** keystone FAQ sizing for the current rotation period; null when the period is unknown. */
  minMaxActiveKeys: number | null
  reasons: string[]
}

export type StatusOptions = Omit<RepositoryOptions, 'fs'> & GuardOptions

export function keyRepositoryStatus(options: StatusOptions): KeyRepositoryStatus {
  const resolved = resolveOptions(options)
  checkGuardOptions(options)
  checkRepositoryDirectory(resolved.path)
  const files = readKeyFiles(resolved.path, resolved.logger)
  const history = readHistory(resolved.path, resolved.logger)
  return keySetStatus(files, history, {
    ...options,
    maxActiveKeys: resolved.maxActiveKeys,
    clock: resolved.clock,
  })
}

export type KeySetStatusOptions = GuardOptions & {
  readonly maxActiveKeys: number
  readonly clock: { now(): number }
}

/**
 * The same answer for keys already in memory (the database key store's set): primary first,
 * `files` ordered as readKeyFiles orders them (highest number first, 0 last).
 */
export function keySetStatus(
  files: readonly KeyFile[],
  history: KeyHistory,
  options: KeySetStatusOptions,
): KeyRepositoryStatus {
  const now = options.clock.now()
  const keys = files.map((file, index): KeyStatus => {
    // The highest number is primary even when it is `0` (a lone key encrypts, as in keystone).
    const role: KeyRole = index === 0 ? 'primary' : file.number === 0 ? 'staged' : 'secondary'
    const status: KeyStatus = { number: file.number, role, fingerprint: file.fingerprint }
    const record = history.get(file.fingerprint)
    if (record?.createdAt !== undefined) {
      status.createdAt = record.createdAt
      status.ageSeconds = Math.max(0, Math.floor((now - record.createdAt) / 1000))
    }
    if (record?.promotedAt !== undefined) status.promotedAt = record.promotedAt
    if (record?.retiredAt !== undefined && role === 'secondary') status.retiredAt = record.retiredAt
    return status
  })
  if (files.length === 0) {
    return {
      keys,
      earliestSafeRotation: null,
      minMaxActiveKeys: null,
      reasons: ['the repository holds no keys (run setup)'],
    }
  }
  const verdict = evaluateRotation({
    files,
    history,
    maxActiveKeys: options.maxActiveKeys,
    now,
    tokenExpiration: options.tokenExpiration,
    allowExpiredWindow: options.allowExpiredWindow,
    delegationLifetime: options.delegationLifetime ?? 0,
  })
  return {
    keys,
    earliestSafeRotation: verdict.earliestSafeRotation,
    minMaxActiveKeys: verdict.minMaxActiveKeys,
    reasons: verdict.reasons,
  }
}
