/**
 * The `password` auth method: keystone/auth/plugins/password.py over the SQL identity driver's
 * `authenticate` (keystone/identity/backends/sql.py), in its order:
 *   1. the user (by ID or name + domain), its domain and the user enabled: else a generic 401;
 *   2. locked out (`[security_compliance] lockout_failure_attempts` failures, for
 *      `lockout_duration` seconds, unless the user has `ignore_lockout_failure_attempts`): the
 *      generic 401 too (Keystone's emit_event wrapper hides AccountLocked); an expired lockout
 *      starts a new window. Unlike Keystone, the lock is taken in the database before the
 *      password is checked, so parallel guesses cannot outrun it (lockout_guard.ts);
 *   3. the password (bcrypt and friends, off the event loop): a mismatch counts a failure and is
 *      the generic 401, whether or not lockout is enabled, as Keystone counts it; a match clears
 *      the count;
 *   4. an expired password (unless `ignore_password_expiry`): PasswordExpired;
 *   5. success: with `[security_compliance] disable_user_account_days_inactive`, today becomes
 *      the user's last active day (identity_api.authenticate's set_last_active_at).
 * A user inactive for that many days reads as disabled (store identity/inactivity.ts): the
 * UserDisabled after a matching password, as Keystone.
 * @module
 */
import type { Clock } from '@baton/config'
import { expectingToFind, PasswordExpired, Unauthorized, UserDisabled } from '../../errors.ts'
import { verifyPassword } from '../../passwords/index.ts'
import type { Store, User } from '../../store/index.ts'
import { verifyUnderLockout } from '../lockout_guard.ts'
import { contains, get } from '../py_values.ts'
import type { AuthContribution, AuthMethodFactory } from './auth_method.ts'
import type { AuthSettings } from './auth_settings.ts'
import { lookupAuthUser } from './user_lookup.ts'

export interface PasswordMethodDeps {
  readonly store: Store
  readonly settings: AuthSettings
  /** Milliseconds since the epoch. */
  readonly clock: Clock
}

function optionSet(user: User, name: string): boolean {
  return user.options[name] === true
}

export async function authenticatePassword(
  deps: PasswordMethodDeps,
  payload: unknown,
): Promise<AuthContribution> {
  // UserAuthInfo validates before it learns its METHOD_NAME, hence Keystone's "in None".
  if (!contains(payload, 'user')) throw expectingToFind('user', 'None')
  const userInfo = get(payload, 'user')
  const { user } = await lookupAuthUser(deps.store, userInfo)
  const password = get(userInfo, 'password')

  const lockout = {
    maxAttempts: deps.settings.lockoutFailureAttempts,
    durationSeconds: deps.settings.lockoutDurationSeconds,
  }
  const matches = await verifyUnderLockout(deps.store, user, lockout, async () => {
    if (typeof password !== 'string') return false
    const stored = await deps.store.identity.getPassword(user.id)
    return verifyPassword(password, stored?.hash, deps.settings.passwords)
  })
  if (!matches) {
    throw new Unauthorized(undefined, { cause: new Error('Invalid username or password') })
  }
  if (!user.enabled) throw new UserDisabled(user.id)
  const expires = user.passwordExpiresAt
  if (
    expires !== null &&
    !optionSet(user, 'ignore_password_expiry') &&
    deps.clock.now() * 1000 >= expires
  ) {
    throw new PasswordExpired(user.id)
  }
  if (deps.settings.userInactivityDays !== undefined) {
    await deps.store.identity.recordLastActive(user.id)
  }
  return { userId: user.id }
}

export const passwordMethod: AuthMethodFactory = (deps) => ({
  name: 'password',
  authenticate: ({ payload }) => authenticatePassword(deps, payload),
})
