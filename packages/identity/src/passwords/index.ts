/**
 * Password hashing for the identity server, compatible both ways with Keystone 22's
 * keystone.common.password_hashing (passlib formats, length rules, defaults).
 * @module
 */

export { hashPassword } from './hash_password.ts'
export {
  type HashPasswordOptions,
  KEYSTONE_DEFAULT_ROUNDS,
  PASSWORD_HASH_ALGORITHMS,
  type PasswordHashAlgorithm,
  type PasswordLengthOptions,
} from './hashing_options.ts'
export {
  BCRYPT_MAX_LENGTH,
  DEFAULT_MAX_PASSWORD_LENGTH,
  verifyLengthAndTruncPassword,
} from './length_rule.ts'
export { verifyPassword } from './verify_password.ts'
