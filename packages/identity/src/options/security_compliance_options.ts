/**
 * `[security_compliance]`: lockout and Keystone's PCI-DSS password rules.
 * Keystone's group and option names and defaults; part of `identityOptionGroups` (../options.ts).
 * @module
 */
import { defineGroup, opt } from '@baton/config'

export const securityComplianceOptions = defineGroup(
  'security_compliance',
  {
    lockout_failure_attempts: opt.int({
      min: 1,
      help:
        'The maximum number of times that a user can fail to authenticate before the user ' +
        'account is locked for the number of seconds specified by `[security_compliance] ' +
        'lockout_duration`. This feature is disabled by default. If this feature is enabled ' +
        'and `[security_compliance] lockout_duration` is not set, then users may be locked out ' +
        'indefinitely until the user is explicitly enabled via the API.',
    }),
    lockout_duration: opt.int({
      default: 1800,
      min: 1,
      help:
        'The number of seconds a user account will be locked when the maximum number of ' +
        'failed authentication attempts (as specified by `[security_compliance] ' +
        'lockout_failure_attempts`) is exceeded. Setting this option will have no effect ' +
        'unless you also set `[security_compliance] lockout_failure_attempts` to a non-zero ' +
        'value.',
    }),
    disable_user_account_days_inactive: opt.int({
      min: 1,
      help:
        'The maximum number of days a user can go without authenticating before being ' +
        'considered "inactive" and automatically disabled (locked). This feature is disabled ' +
        'by default; set any value to enable it. When a user exceeds this threshold and is ' +
        'considered "inactive", the user\'s `enabled` attribute in the HTTP API may not match ' +
        "the value of the user's `enabled` column in the user table.",
    }),
    password_expires_days: opt.int({
      min: 1,
      help:
        'The number of days for which a password will be considered valid before requiring ' +
        'it to be changed. This feature is disabled by default. If enabled, new password ' +
        'changes will have an expiration date, however existing passwords would not be ' +
        'impacted.',
    }),
    unique_last_password_count: opt.int({
      default: 0,
      min: 0,
      help:
        'This controls the number of previous user password iterations to keep in history, ' +
        'in order to enforce that newly created passwords are unique. The total number which ' +
        'includes the new password should not be greater or equal to this value. Setting the ' +
        'value to zero (the default) disables this feature. Thus, to enable this feature, ' +
        'values must be greater than 0.',
    }),
    minimum_password_age: opt.int({
      default: 0,
      min: 0,
      help:
        'The number of days that a password must be used before the user can change it. This ' +
        'prevents users from changing their passwords immediately in order to wipe out their ' +
        'password history and reuse an old password. This feature does not prevent ' +
        'administrators from manually resetting passwords. It is disabled by default and ' +
        'allows for immediate password changes. Note: If `[security_compliance] ' +
        'password_expires_days` is set, then the value for this option should be less than ' +
        'the `password_expires_days`.',
    }),
    password_regex: opt.str({
      help:
        'The regular expression used to validate password strength requirements. By default, ' +
        'the regular expression will match any password. The following is an example of a ' +
        'pattern which requires at least 1 letter, 1 digit, and have a minimum length of 7 ' +
        'characters: ^(?=.*\\d)(?=.*[a-zA-Z]).{7,}$ (matched from the start of the password, ' +
        "as Python's re.match; JavaScript regular expression syntax).",
    }),
    password_regex_description: opt.str({
      help:
        'Describe your password regular expression here in language for humans. If a ' +
        'password fails to match the regular expression, the contents of this configuration ' +
        'variable will be returned to users to explain why their requested password was ' +
        'insufficient.',
    }),
    change_password_upon_first_use: opt.bool({
      default: false,
      help:
        'Enabling this option requires users to change their password when the user is ' +
        'created, or upon administrative reset. Before accessing any services, affected users ' +
        'will have to change their password. To ignore this requirement for specific users, ' +
        'such as service users, set the `options` attribute ' +
        '`ignore_change_password_upon_first_use` to `True` for the desired user via the ' +
        'update user API. This feature is disabled by default.',
    }),
  },
  { help: 'Security compliance features of the SQL identity backend.' },
)
