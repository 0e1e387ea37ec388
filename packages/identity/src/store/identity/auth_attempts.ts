/**
 * The lockout guard that holds across workers and nodes: an attempt slot is taken in the database,
 * atomically, before a password is checked. Checking the lock, then the password, then recording
 * the failure (Keystone's order) lets every guess that arrives before the first failure is
 * recorded be checked: 40 parallel guesses were all checked under a limit of 3. Here the attempt
 * counts as a failure from the moment it is let in, by one conditional UPDATE that either takes
 * one of the window's `maxAttempts` slots or finds none left; concurrent UPDATEs of one row are
 * serialized by both dialects, each re-checking the condition on the row as the previous left it.
 * The caller clears the count when the password was right (`resetFailedAuth`); a wrong one has
 * already been counted, and so has an attempt whose process died before it knew the outcome
 * (fail closed: it ages out with the lockout window like any failure).
 * @module
 */
import type { StoreContext } from '../context.ts'
import { nowMicros } from '../timestamps.ts'

export interface AttemptLimit {
  /** `[security_compliance] lockout_failure_attempts`. */
  readonly maxAttempts: number
  /** `[security_compliance] lockout_duration`: how long a full count locks, from its last failure. */
  readonly durationSeconds: number
}

/**
 * Counts one attempt for `userId` now, unless the user is locked: `maxAttempts` failures whose
 * last one is under `durationSeconds` old. A lock that has run out starts a new window at this
 * attempt (count 1). False when locked (or no such user); nothing is written then.
 */
export async function reserveAuthAttempt(
  ctx: StoreContext,
  userId: string,
  limit: AttemptLimit,
): Promise<boolean> {
  const now = nowMicros(ctx.clock)
  const max = Math.trunc(limit.maxAttempts)
  const lockedSince = now - Math.trunc(limit.durationSeconds) * 1_000_000
  const result = await ctx.db
    .updateTable('user')
    .set((eb) => ({
      failed_auth_count: eb
        .case()
        .when('failed_auth_count', '>=', max)
        .then(1)
        .else(eb('failed_auth_count', '+', 1))
        .end(),
      failed_auth_at: now,
    }))
    .where('id', '=', userId)
    // a NULL failed_auth_at with a full count stays locked, as Keystone's check would not pass it
    .where((eb) =>
      eb.or([eb('failed_auth_count', '<', max), eb('failed_auth_at', '<=', lockedSince)]),
    )
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}
