/**
 * Identity-side audience enforcement (docs/delegation.md): `[delegation] service_types` tells
 * which service types a service user serves. When such a user validates a delegation token whose
 * audience names none of them, identity answers as for any invalid token (404), so a receiver
 * behind keystonemiddleware, which knows nothing of delegations, refuses it (401). Users not
 * listed are not restricted: identity cannot tell what they serve.
 * @module
 */
import { TokenNotFound, UserNotFound } from '../../errors.ts'
import type { Store } from '../../store/index.ts'
import type { TokenModel } from '../tokens/index.ts'
import type { DelegationSettings } from './delegation_settings.ts'

/** The types the user serves (by id, then by name), or undefined when it is not listed. */
export async function servedTypes(
  store: Store,
  settings: DelegationSettings,
  userId: string,
): Promise<readonly string[] | undefined> {
  const map = settings.serviceTypes
  if (map.size === 0) return undefined
  const byId = map.get(userId)
  if (byId !== undefined) return byId
  try {
    const user = await store.identity.getUser(userId)
    return map.get(user.name)
  } catch (error) {
    if (error instanceof UserNotFound) return undefined
    throw error
  }
}

/** Throws TokenNotFound when a listed service validates a delegation not addressed to it. */
export async function enforceAudience(
  store: Store,
  settings: DelegationSettings,
  validatorUserId: string,
  subject: TokenModel,
): Promise<void> {
  const delegation = subject.delegation?.delegation
  if (!delegation) return
  const types = await servedTypes(store, settings, validatorUserId)
  if (types === undefined) return
  if (types.some((t) => delegation.audience.includes(t))) return
  throw new TokenNotFound('Failed to validate token', {
    cause: new Error(`the delegation's audience does not name ${types.join(', ')}`),
  })
}
