/**
 * PCI-DSS password rules (`[security_compliance]`), read once per request from config and applied
 * where Keystone applies them:
 * - `password_regex` (+ `_description`) on every new password: create, admin reset, self-service
 *   change (keystone/common/validation/validators.py validate_password, matched from the start as
 *   Python's re.match; Keystone's schema pattern for the change body is never live because the
 *   schema is built before keystone.conf is read);
 * - expiry: a new password expires `password_expires_days` after it is set (to the second), unless
 *   the user has `ignore_password_expiry`; with `change_password_upon_first_use`, a password set
 *   at creation or by an admin expires at once unless the user has
 *   `ignore_change_password_upon_first_use` (keystone/identity/backends/sql.py);
 * - self-service only: `minimum_password_age` (when the current password was itself set by the
 *   user) and `unique_last_password_count` (the new password may match none of the last N,
 *   the current one included).
 * @module
 */
import type { Config } from '@baton/config'
import { ValidationError } from '../errors.ts'
import { securityComplianceOptions } from '../options.ts'
import type { PasswordLengthOptions } from '../passwords/index.ts'
import { verifyPassword } from '../passwords/index.ts'
import type { JsonObject, Micros, Store, User } from '../store/index.ts'

const DAY_MICROS = 86_400_000_000

export interface PasswordPolicy {
  readonly expiresDays: number | undefined
  readonly uniqueLastCount: number
  readonly minimumAgeDays: number
  readonly regex: string | undefined
  readonly regexDescription: string | undefined
  readonly changeUponFirstUse: boolean
  /** `disable_user_account_days_inactive`: last_active_at is recorded only when set. */
  readonly userInactivityDays: number | undefined
}

export function passwordPolicy(config: Config): PasswordPolicy {
  const c = config.get(securityComplianceOptions)
  return {
    expiresDays: c.password_expires_days,
    uniqueLastCount: c.unique_last_password_count,
    minimumAgeDays: c.minimum_password_age,
    regex: c.password_regex,
    regexDescription: c.password_regex_description,
    changeUponFirstUse: c.change_password_upon_first_use,
    userInactivityDays: c.disable_user_account_days_inactive,
  }
}

/** keystone exception.PasswordValidationError and its subclasses: 400s. */
function passwordValidationError(detail: string): ValidationError {
  return new ValidationError(`Password validation error: ${detail}.`)
}

/** validators.validate_password: nothing to check unless `password_regex` is set. */
export function assertPasswordMatchesRegex(policy: PasswordPolicy, password: unknown): void {
  if (!policy.regex) return
  if (typeof password !== 'string') throw passwordValidationError('Password must be a string type')
  let pattern: RegExp
  try {
    // sticky: anchored at the start like re.match, free at the end
    pattern = new RegExp(policy.regex, 'y')
  } catch {
    throw passwordValidationError('Unable to validate password due to invalid configuration')
  }
  if (!pattern.test(password)) {
    throw new ValidationError(
      `The password does not match the requirements: ${policy.regexDescription ?? 'None'}.`,
    )
  }
}

/**
 * The expiry a newly set password gets. `firstUse`: set at creation or by an admin (not by the
 * user), where `change_password_upon_first_use` expires it at once.
 */
export function newPasswordExpiry(
  policy: PasswordPolicy,
  options: JsonObject,
  now: Micros,
  firstUse: boolean,
): Micros | null {
  if (firstUse && policy.changeUponFirstUse) {
    if (options.ignore_change_password_upon_first_use !== true) return now
  }
  if (policy.expiresDays === undefined || options.ignore_password_expiry === true) return null
  const expires = now + policy.expiresDays * DAY_MICROS
  return Math.floor(expires / 1_000_000) * 1_000_000
}

/**
 * The driver's change_password checks before a self-service password is stored: the minimum
 * age of a self-set current password, then the history. Reads only; run before the write.
 */
export async function assertSelfServiceChangeAllowed(
  store: Store,
  user: User,
  newPassword: string,
  policy: PasswordPolicy,
  now: Micros,
  lengths: PasswordLengthOptions,
): Promise<void> {
  const current = await store.identity.getPassword(user.id)
  if (current?.selfService === true) {
    const minAge = current.createdAt + policy.minimumAgeDays * DAY_MICROS
    if (now < minAge) {
      const daysLeft = Math.floor((minAge - now) / DAY_MICROS)
      throw new ValidationError(
        'You cannot change your password at this time due to the minimum password age. Once ' +
          `you change your password, it must be used for ${policy.minimumAgeDays} day(s) ` +
          `before it can be changed. Please try again in ${daysLeft} day(s) or contact your ` +
          'administrator to reset your password.',
      )
    }
  }
  if (policy.uniqueLastCount <= 0) return
  const history = await store.identity.listPasswordHistory(user.id, policy.uniqueLastCount)
  for (const old of history) {
    if (await verifyPassword(newPassword, old.hash, lengths)) {
      throw new ValidationError(
        'The new password cannot be identical to a previous password. The total number which ' +
          `includes the new password must be unique is ${policy.uniqueLastCount}.`,
      )
    }
  }
}
