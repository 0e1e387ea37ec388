/**
 * Which application credential an auth body names: keystone/auth/core.py
 * `AuthInfo._lookup_app_cred`. AuthInfo runs it before any method (the credential fixes the
 * token's scope); the method then authenticates what it found. By `id` (an unknown ID is
 * Keystone's 404 ApplicationCredentialNotFound), or by `name` plus `user` (`{id}` or
 * `{name, domain}`); a name matching no credential is a 401.
 * @module
 */
import { ApplicationCredentialNotFound, expectingToFind, Unauthorized } from '../../errors.ts'
import type { ApplicationCredential, Store } from '../../store/index.ts'
import { contains, get, isObject, text, truthy } from '../py_values.ts'
import { lookupScopeDomain } from './scope_lookups.ts'

function unauthorized(reason: string): Unauthorized {
  return new Unauthorized(undefined, { cause: new Error(reason) })
}

/** `AuthInfo._lookup_app_cred`. */
export async function lookupApplicationCredential(
  store: Store,
  info: unknown,
): Promise<ApplicationCredential> {
  if (!isObject(info)) throw expectingToFind('name or ID', 'application credential')
  const id = get(info, 'id')
  if (truthy(id)) {
    const wanted = text(id)
    if (wanted === undefined) {
      throw new ApplicationCredentialNotFound(
        `Could not find Application Credential: ${String(id)}.`,
      )
    }
    return store.applicationCredentials.get(wanted)
  }
  const name = get(info, 'name')
  if (!truthy(name)) throw expectingToFind('name or ID', 'application credential')
  const user = get(info, 'user')
  if (!truthy(user)) throw expectingToFind('user', 'application credential')
  let userId = text(get(user, 'id'))
  if (userId === undefined) {
    if (!contains(user, 'domain')) throw expectingToFind('domain', 'user')
    const domain = await lookupScopeDomain(store, get(user, 'domain'))
    const userName = text(get(user, 'name'))
    const found =
      userName === undefined ? undefined : await store.identity.findUserByName(userName, domain.id)
    if (found === undefined) throw unauthorized('user not found')
    userId = found.id
  }
  const matches = await store.applicationCredentials.list(userId, { name: String(name) })
  const only = matches.length === 1 ? matches[0] : undefined
  if (only === undefined) throw unauthorized('application credential not found')
  return only
}
