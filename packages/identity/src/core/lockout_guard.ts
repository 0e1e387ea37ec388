/**
 * Password checks under `[security_compliance] lockout_failure_attempts`, for every path that
 * verifies a user's password (the password auth method, the self-service password change). With
 * lockout on, the attempt takes a slot in the database before bcrypt runs (store
 * auth_attempts.ts), so at most `lockout_failure_attempts` wrong passwords are ever checked per
 * lockout window for one user, however many arrive at once and on however many workers or nodes.
 * A right password clears the count (the slot it took included), as Keystone's success does,
 * even when the password has expired. Without lockout, or for a user with
 * `ignore_lockout_failure_attempts`, failures are still counted after the fact, as Keystone counts
 * them.
 * @module
 */
import { AccountLocked, Unauthorized } from '../errors.ts'
import type { Store, User } from '../store/index.ts'

export interface LockoutRule {
  /** `[security_compliance] lockout_failure_attempts`; undefined: lockout off. */
  readonly maxAttempts: number | undefined
  /** `[security_compliance] lockout_duration`, seconds. */
  readonly durationSeconds: number
}

/**
 * Runs `verify` (the password check) unless `user` is locked out; true when it matched.
 * @throws Unauthorized (cause AccountLocked) when locked: Keystone's notification wrapper hides
 * AccountLocked behind the generic 401.
 */
export async function verifyUnderLockout(
  store: Store,
  user: User,
  rule: LockoutRule,
  verify: () => Promise<boolean>,
): Promise<boolean> {
  const guarded =
    rule.maxAttempts !== undefined && user.options.ignore_lockout_failure_attempts !== true
  if (guarded) {
    const limit = { maxAttempts: rule.maxAttempts, durationSeconds: rule.durationSeconds }
    if (!(await store.identity.reserveAuthAttempt(user.id, limit))) {
      throw new Unauthorized(undefined, { cause: new AccountLocked(user.id) })
    }
  }
  if (!(await verify())) {
    // a guarded attempt was counted when it was let in
    if (!guarded) await store.identity.recordFailedAuth(user.id)
    return false
  }
  if (guarded || user.failedAuthCount > 0) await store.identity.resetFailedAuth(user.id)
  return true
}
