/**
 * The identity error registry: every error the identity package throws is a `KeystoneError`
 * subclass carrying Keystone's HTTP status and title and a stable Baton code. The HTTP layer renders
 * `{"error": {"code", "title", "message"}}` from it in one place (`keystoneErrorBody`); handlers
 * only throw. Messages never contain tokens, passwords or keys.
 *
 * To add an error: subclass the nearest Keystone class (keystone/exception.py) in the errors/
 * module of its area and give it a `code` in `IdentityErrorCode` (errors/keystone_error.ts); status
 * and title are inherited unless Keystone's class changes them.
 * @module
 */
export * from './errors/auth_errors.ts'
export * from './errors/delegation_errors.ts'
export * from './errors/http_errors.ts'
export * from './errors/keystone_error.ts'
export * from './errors/password_errors.ts'
export * from './errors/resource_errors.ts'
