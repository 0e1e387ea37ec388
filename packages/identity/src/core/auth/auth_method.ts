/**
 * An auth method, as keystone/auth/plugins/base.py `AuthMethodHandler`: it has a name (the key
 * of `identity.methods` and of `[auth] methods`), authenticates its own section of the `auth`
 * body, and returns its contribution to the token being issued (keystone's `response_data`).
 * The core (authenticate.ts) merges the contributions of every listed method in order, so a
 * method never learns of another and adding one (TOTP, trusts' token method) is one file plus
 * its line in method_registry.ts.
 * @module
 */
import type { Clock, EpochMs } from '@baton/config'
import type { Store } from '../../store/index.ts'
import type { CredentialCrypto } from '../credentials/credential_crypto.ts'
import type { OAuthRequest } from '../oauth1/signature.ts'
import type { TokenService } from '../tokens/index.ts'
import type { AuthInfo } from './auth_info.ts'
import type { AuthSettings } from './auth_settings.ts'

/** What a method may use, built once per server at the composition root. */
export interface AuthMethodDeps {
  readonly store: Store
  readonly tokens: TokenService
  readonly settings: AuthSettings
  /** Milliseconds since the epoch. */
  readonly clock: Clock
  /** Opens credential blobs (the totp method); without it no TOTP passcode matches. */
  readonly credentialCrypto?: CredentialCrypto | undefined
}

/** One method's view of the request. */
export interface AuthMethodRequest {
  /** `identity.<method>`: this method's section of the body, untrusted. */
  readonly payload: unknown
  /** The request's `auth` object (the token method reads the requested `scope`). */
  readonly auth: Record<string, unknown>
  /** The methods, scope and application credential AuthInfo resolved before any method ran. */
  readonly info: AuthInfo
  /** The HTTP request as an OAuth signature covers it (the oauth1 method verifies it). */
  readonly http?: OAuthRequest | undefined
}

/**
 * keystone `AuthContext`'s identity attributes, named for what they set on the new token, not
 * for the method that sets them: every method returns the user; the others are optional.
 */
export interface AuthContribution {
  readonly userId: string
  /** The new token expires no later than this (Keystone time string). */
  readonly expiresAt?: EpochMs | undefined
  /** The audit ID the new token chains to. */
  readonly parentAuditId?: string | null | undefined
  /** Methods the new token carries besides those listed in the request. */
  readonly carriedMethods?: readonly string[] | undefined
  /** The application credential the token is bound to (kept when that method was used). */
  readonly applicationCredentialId?: string | undefined
  /** An OAuth1 access token: the token is scoped to its project (keystone `set_scope`). */
  readonly oauth?: { readonly accessTokenId: string; readonly projectId: string } | undefined
}

export interface AuthMethod {
  readonly name: string
  authenticate(request: AuthMethodRequest): Promise<AuthContribution>
}

/** Builds a method from the server's dependencies (keystone loads a driver per method). */
export type AuthMethodFactory = (deps: AuthMethodDeps) => AuthMethod
