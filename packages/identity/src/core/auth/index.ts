/**
 * Authentication for `POST /v3/auth/tokens`: the password, token and application_credential
 * methods, scope resolution and default-project scoping, with Keystone's checks and messages.
 * @module
 */

export { type AuthSettings, authSettings } from './auth_settings.ts'
export { type AuthService, type AuthServiceOptions, createAuthService } from './authenticate.ts'
export { domainsForUser, hasDirectSystemRole, projectsForUser } from './available_scopes.ts'
