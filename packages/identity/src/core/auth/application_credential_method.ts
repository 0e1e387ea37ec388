/**
 * Application credentials: keystone/auth/core.py `AuthInfo._lookup_app_cred` (which also fixes
 * the token's scope to the credential's project) and keystone/auth/plugins/application_credential.py.
 *
 * The lookup (which AuthInfo runs first, to fix the scope) is in application_credential_lookup.ts.
 * Authentication: the credential's owner (never a user the caller names, LP#2148477) must exist
 * and be enabled in an enabled domain; then the secret, then the expiry, all generic 401s.
 *
 * Deliberate difference: Keystone answers an unknown user *name* here with a 404 "Could not find
 * user", which tells a caller which user names exist; Baton answers the generic 401.
 * @module
 */
import type { Clock } from '@baton/config'
import { Unauthorized } from '../../errors.ts'
import { verifyPassword } from '../../passwords/index.ts'
import type { ApplicationCredential, Store } from '../../store/index.ts'
import { get, truthy } from '../py_values.ts'
import type { AuthContribution, AuthMethodFactory } from './auth_method.ts'
import type { AuthSettings } from './auth_settings.ts'
import { lookupAuthUser } from './user_lookup.ts'

export interface ApplicationCredentialDeps {
  readonly store: Store
  readonly settings: AuthSettings
  /** Milliseconds since the epoch. */
  readonly clock: Clock
}

function unauthorized(reason: string): Unauthorized {
  return new Unauthorized(undefined, { cause: new Error(reason) })
}

/** The plugin: `AppCredInfo` then `application_credential_api.authenticate`. */
export async function authenticateApplicationCredential(
  deps: ApplicationCredentialDeps,
  payload: unknown,
  credential: ApplicationCredential,
): Promise<AuthContribution> {
  const userInfo = truthy(get(payload, 'id')) ? { id: credential.userId } : get(payload, 'user')
  const { user } = await lookupAuthUser(deps.store, userInfo)
  if (user.id !== credential.userId) throw unauthorized('credential of another user')
  const hash = await deps.store.applicationCredentials.getSecretHash(credential.id)
  const secret = get(payload, 'secret')
  const valid =
    typeof secret === 'string' && (await verifyPassword(secret, hash, deps.settings.passwords))
  if (!valid) throw unauthorized('Invalid application credential ID or secret')
  // keystone `_check_expired`: `utcnow() >= expires_at`, after the secret
  if (credential.expiresAt !== null && deps.clock.now() * 1000 >= credential.expiresAt) {
    throw unauthorized('Invalid application credential ID or secret')
  }
  return { userId: user.id, applicationCredentialId: credential.id }
}

/** AuthInfo looked the credential up (it fixes the scope); without one there is nothing to check. */
export const applicationCredentialMethod: AuthMethodFactory = (deps) => ({
  name: 'application_credential',
  async authenticate({ payload, info }) {
    if (info.applicationCredential === undefined) throw new Unauthorized()
    return authenticateApplicationCredential(deps, payload, info.applicationCredential)
  },
})
