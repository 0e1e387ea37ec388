/**
 * Authentication for `POST /v3/auth/tokens`: the auth method registry (password, token,
 * application_credential; one file each, listed in method_registry.ts), scope resolution and
 * default-project scoping, with Keystone's checks and messages.
 * @module
 */

export type {
  AuthContribution,
  AuthMethod,
  AuthMethodDeps,
  AuthMethodFactory,
  AuthMethodRequest,
} from './auth_method.ts'
export { type AuthSettings, authSettings } from './auth_settings.ts'
export { type AuthService, type AuthServiceOptions, createAuthService } from './authenticate.ts'
export { domainsForUser, hasDirectSystemRole, projectsForUser } from './available_scopes.ts'
export { BUILTIN_AUTH_METHODS, loadAuthMethods } from './method_registry.ts'
