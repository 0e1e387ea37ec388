/**
 * The `totp` auth method: keystone/auth/plugins/totp.py. The user (by ID or name + domain, the
 * same lookup and generic 401s as password), then every credential of type `totp` the user owns:
 * the passcode must equal one its secret yields now or in `[totp] included_previous_windows`
 * earlier windows. No match, no credential or a non-string passcode: Keystone's 401. Secrets and
 * passcodes never reach a log or an error.
 * @module
 */
import { expectingToFind, Unauthorized } from '../../errors.ts'
import type { CredentialCrypto } from '../credentials/credential_crypto.ts'
import { blobOf } from '../credentials/credential_records.ts'
import { contains, get } from '../py_values.ts'
import type { AuthContribution, AuthMethodDeps, AuthMethodFactory } from './auth_method.ts'
import { totpPasscodes } from './totp_passcodes.ts'
import { lookupAuthUser } from './user_lookup.ts'

function invalid(reason: string): Unauthorized {
  // Keystone's 'Invalid username or TOTP passcode' is a SecurityError: the generic 401 outside debug
  return new Unauthorized(undefined, { cause: new Error(reason) })
}

function openBlob(crypto: CredentialCrypto, stored: Parameters<typeof blobOf>[1]): string {
  try {
    return blobOf(crypto, stored)
  } catch {
    return '' // a blob no key opens matches nothing
  }
}

export async function authenticateTotp(
  deps: AuthMethodDeps,
  payload: unknown,
): Promise<AuthContribution> {
  if (!contains(payload, 'user')) throw expectingToFind('user', 'None')
  const userInfo = get(payload, 'user')
  const { user } = await lookupAuthUser(deps.store, userInfo)
  const passcode = get(userInfo, 'passcode')
  const crypto = deps.credentialCrypto
  if (crypto === undefined) throw invalid('no credential key repository')
  const credentials = await deps.store.credentials.list({ userId: user.id, type: 'totp' })
  const now = deps.clock.now()
  const matched =
    typeof passcode === 'string' &&
    credentials.some((credential) =>
      totpPasscodes(openBlob(crypto, credential), now, deps.settings.totpPreviousWindows).includes(
        passcode,
      ),
    )
  if (!matched) throw invalid('no TOTP credential matched')
  return { userId: user.id }
}

export const totpMethod: AuthMethodFactory = (deps) => ({
  name: 'totp',
  authenticate: ({ payload }) => authenticateTotp(deps, payload),
})
