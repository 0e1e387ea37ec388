/**
 * The configuration authentication reads, resolved once per server.
 * @module
 */
import type { Config } from '@baton/config'
import {
  authOptions,
  authPrimaryMethodOptions,
  securityComplianceOptions,
  tokenRescopeOptions,
  totpOptions,
  trustOptions,
} from '../../options.ts'
import type { PasswordLengthOptions } from '../../passwords/index.ts'
import { passwordSettings } from '../password_settings.ts'

/**
 * keystone/api/_shared/delegation.py `_BUILTIN_PRIMARY_AUTH_METHODS`: methods that authenticate
 * a user directly. A token from any other method (application_credential...) is delegated.
 */
export const BUILTIN_PRIMARY_METHODS = [
  'external',
  'kerberos',
  'mapped',
  'openid',
  'password',
  'saml2',
  'token',
  'totp',
  'x509',
] as const

export interface AuthSettings {
  /** `[auth] methods`: the only methods a request may use. */
  readonly methods: readonly string[]
  /** `[trust] max_redelegation_count`, for a trust scope's chain (default 3). */
  readonly maxRedelegationCount?: number | undefined
  /** Built-in primary methods plus `[auth] additional_primary_auth_methods`. */
  readonly primaryMethods: ReadonlySet<string>
  /** `[token] allow_rescope_scoped_token`. */
  readonly allowRescopeScopedToken: boolean
  /** `[security_compliance] lockout_failure_attempts`; undefined disables lockout. */
  readonly lockoutFailureAttempts?: number | undefined
  /** `[security_compliance] lockout_duration`, seconds. */
  readonly lockoutDurationSeconds: number
  /** The length rule passwords and secrets are verified under (`[identity]`, `[DEFAULT]`). */
  readonly passwords: PasswordLengthOptions
  /** `[security_compliance] disable_user_account_days_inactive`: record last_active_at if set. */
  readonly userInactivityDays?: number | undefined
  /** `[totp] included_previous_windows`: earlier 30 s windows whose passcodes still match. */
  readonly totpPreviousWindows: number
}

export function authSettings(config: Config): AuthSettings {
  const compliance = config.get(securityComplianceOptions)
  return {
    methods: config.get(authOptions).methods,
    maxRedelegationCount: config.get(trustOptions).max_redelegation_count,
    primaryMethods: new Set([
      ...BUILTIN_PRIMARY_METHODS,
      ...config.get(authPrimaryMethodOptions).additional_primary_auth_methods,
    ]),
    allowRescopeScopedToken: config.get(tokenRescopeOptions).allow_rescope_scoped_token,
    lockoutFailureAttempts: compliance.lockout_failure_attempts,
    lockoutDurationSeconds: compliance.lockout_duration,
    passwords: passwordSettings(config),
    userInactivityDays: compliance.disable_user_account_days_inactive,
    totpPreviousWindows: config.get(totpOptions).included_previous_windows,
  }
}
