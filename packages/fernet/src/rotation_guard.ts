/**
 * The rotation guard (beyond keystone): which keys keystone's purge would drop, and whether
 * tokens they encrypted can still be valid within `expiration + allow_expired_window` (or a
 * delegation's longer `max_lifetime`).
 * @module
 */

import { HISTORY_FILE, type KeyFile } from './key_files.ts'
import type { KeyHistory } from './key_history.ts'
import { type GuardOptions, keyLifetime } from './options.ts'

export type RotationPlan = {
  /** Number the staged key `0` is renamed to: highest + 1. */
  readonly newPrimaryNumber: number
  /** Current files the purge deletes (the staged key when max_active_keys = 1). */
  readonly purged: readonly KeyFile[]
}

/**
 * keystone fernet_utils.rotate_keys: drop 0 from the map, add the new primary, then remove the
 * smallest numbers while more than max_active_keys - 1 remain (the new staged key is not in
 * the map, so the total including it stays <= max_active_keys).
 */
export function planRotation(files: readonly KeyFile[], maxActiveKeys: number): RotationPlan {
  const highest = files[0]?.number ?? 0
  const newPrimaryNumber = highest + 1
  const after = files.map((file) => ({
    file,
    number: file.number === 0 ? newPrimaryNumber : file.number,
  }))
  after.sort((a, b) => b.number - a.number)
  const keep = Math.max(0, maxActiveKeys - 1)
  return { newPrimaryNumber, purged: after.slice(keep).map((entry) => entry.file) }
}

/** needed: still decrypts valid tokens; expired: safe to drop; unknown: no record; unused: never encrypted. */
export type DropStatus = 'needed' | 'expired' | 'unknown' | 'unused'

export type DroppedKey = {
  /** Number before the rotation. */
  number: number
  fingerprint: string
  status: DropStatus
  /** When it stopped being primary (ms); null when unknown or never primary. */
  retiredAt: number | null
  /** Until when tokens it encrypted stay valid (ms); null when unknown or never primary. */
  neededUntil: number | null
}

export type GuardInput = Readonly<GuardOptions> & {
  readonly files: readonly KeyFile[]
  readonly history: KeyHistory
  readonly maxActiveKeys: number
  readonly now: number
}

export type GuardVerdict = {
  plan: RotationPlan
  dropped: DroppedKey[]
  /** Dropped keys that are needed or of unknown history: the guard refuses unless forced. */
  blocking: DroppedKey[]
  /** ms; null = no time can be shown safe (the primary itself is dropped, or history unknown). */
  earliestSafeRotation: number | null
  /** keystone FAQ: (expiration + window) / rotation period + 2, the period being the current one. */
  minMaxActiveKeys: number | null
  reasons: string[]
}

export function evaluateRotation(input: GuardInput): GuardVerdict {
  const { files, history, now } = input
  const lifetime = keyLifetime(input)
  const windowMs = lifetime.seconds * 1000
  const plan = planRotation(files, input.maxActiveKeys)
  const primary = files[0]
  const dropped = plan.purged.map((file): DroppedKey => {
    const base = { number: file.number, fingerprint: file.fingerprint }
    // The current primary retires now, at this very rotation.
    const retiredAt = file === primary ? now : (history.get(file.fingerprint)?.retiredAt ?? null)
    if (retiredAt !== null) {
      const neededUntil = retiredAt + windowMs
      return { ...base, status: now < neededUntil ? 'needed' : 'expired', retiredAt, neededUntil }
    }
    const status = file.number === 0 ? 'unused' : 'unknown'
    return { ...base, status, retiredAt: null, neededUntil: null }
  })
  const blocking = dropped.filter((key) => key.status === 'needed' || key.status === 'unknown')
  const primaryDropped = blocking.some((key) => key.number === primary?.number)
  let earliestSafeRotation: number | null = now
  for (const key of blocking) {
    if (key.neededUntil === null || primaryDropped) earliestSafeRotation = null
    else if (earliestSafeRotation !== null)
      earliestSafeRotation = Math.max(earliestSafeRotation, key.neededUntil)
  }
  const promotedAt =
    primary === undefined ? undefined : history.get(primary.fingerprint)?.promotedAt
  const periodSeconds = promotedAt === undefined ? 0 : (now - promotedAt) / 1000
  const minMaxActiveKeys =
    periodSeconds > 0 ? Math.ceil(lifetime.seconds / periodSeconds) + 2 : null
  const verdict = { plan, dropped, blocking, earliestSafeRotation, minMaxActiveKeys, reasons: [] }
  return { ...verdict, reasons: explain(verdict, input, primary) }
}

function explain(
  verdict: Omit<GuardVerdict, 'reasons'>,
  input: GuardInput,
  primary: KeyFile | undefined,
): string[] {
  const window = keyLifetime(input).label
  const reasons: string[] = []
  for (const key of verdict.dropped) {
    const label = `key ${key.number} (fingerprint ${key.fingerprint})`
    const purge = `the next rotation would purge ${label}`
    if (key.number === primary?.number && key.status === 'needed' && key.neededUntil !== null) {
      reasons.push(
        `${label} is the primary: with max_active_keys=${input.maxActiveKeys} the next rotation retires and purges it at once, yet it is needed until ${iso(key.neededUntil)} by the tokens it encrypts (${window})`,
      )
    } else if (key.status === 'needed' && key.retiredAt !== null && key.neededUntil !== null) {
      reasons.push(
        `${purge}, primary until ${iso(key.retiredAt)}: it is needed until ${iso(key.neededUntil)} by the tokens it encrypted (${window})`,
      )
    } else if (key.status === 'unknown') {
      reasons.push(
        `${purge}, but when it stopped being primary is unknown (no record in ${HISTORY_FILE}, e.g. rotated by another tool): tokens it encrypted may still be valid`,
      )
    } else if (key.status === 'expired' && key.neededUntil !== null) {
      reasons.push(`${purge}; the tokens it encrypted expired by ${iso(key.neededUntil)}`)
    } else {
      reasons.push(`${purge}; it never encrypted a token`)
    }
  }
  if (verdict.dropped.length === 0) reasons.push('the next rotation purges no key')
  if (verdict.blocking.length > 0) reasons.push(suggestion(verdict.minMaxActiveKeys, window))
  return reasons
}

/** keystone fernet-token-faq: max_active_keys = (expiration + allow_expired_window) / rotation period + 2. */
export function suggestion(minMaxActiveKeys: number | null, window: string): string {
  const raise =
    minMaxActiveKeys === null
      ? 'raise [fernet_tokens] max_active_keys to at least (expiration + allow_expired_window) / rotation period + 2'
      : `raise [fernet_tokens] max_active_keys to at least ${minMaxActiveKeys} for the current rotation period (${window}, keystone FAQ formula)`
  return `${raise}, or rotate with --force to drop the keys anyway (their tokens stop validating)`
}

export function iso(ms: number): string {
  return new Date(ms).toISOString()
}
