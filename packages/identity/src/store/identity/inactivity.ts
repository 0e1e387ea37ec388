/**
 * `[security_compliance] disable_user_account_days_inactive`: Keystone's User.enabled is a
 * computed property (keystone/identity/backends/sql_model.py): an enabled user whose last
 * authentication day (or, never having authenticated, creation day) is at least that many days
 * ago reads as disabled, unless the user has the `ignore_user_inactivity` option. Keystone keeps
 * `last_active_at` as a DATE; Baton keeps the start of that UTC day in microseconds.
 * @module
 */
import type { Micros } from '../timestamps.ts'
import type { User } from './types.ts'

const DAY_MICROS = 86_400_000_000

/** The start of the UTC day holding `micros`: what Keystone's `date()` keeps. */
export function dayOf(micros: Micros): Micros {
  return Math.floor(micros / DAY_MICROS) * DAY_MICROS
}

/** The user as Keystone's model reads it `now`, with `maxDays` unset meaning the feature is off. */
export function applyInactivity(user: User, maxDays: number | undefined, now: Micros): User {
  if (!user.enabled || maxDays === undefined || maxDays <= 0) return user
  if (user.options.ignore_user_inactivity === true) return user
  const lastActive = user.lastActiveAt ?? user.createdAt
  const daysInactive = Math.round((dayOf(now) - dayOf(lastActive)) / DAY_MICROS)
  return daysInactive >= maxDays ? { ...user, enabled: false } : user
}
