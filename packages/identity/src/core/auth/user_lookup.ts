/**
 * keystone/auth/plugins/core.py `BaseUserInfo._validate_and_normalize_auth_data`: the user a
 * method's payload names, by ID or by name within a domain (by ID or name). Missing users,
 * missing or disabled domains and disabled users are all the same generic 401, so a caller cannot
 * tell which names exist; malformed payloads are 400s with Keystone's messages.
 * @module
 */
import { DomainNotFound, expectingToFind, Unauthorized, UserNotFound } from '../../errors.ts'
import type { Domain, Store, User } from '../../store/index.ts'
import { contains, get, text, truthy } from '../py_values.ts'

export interface AuthUser {
  readonly user: User
  readonly domain: Domain
}

function unauthorized(reason: string, cause?: unknown): Unauthorized {
  return new Unauthorized(undefined, { cause: cause ?? new Error(reason) })
}

/** `BaseUserInfo._lookup_domain`: like the scope lookup, but "id or name" is a 400 here. */
async function lookupUserDomain(store: Store, info: unknown): Promise<Domain> {
  const name = get(info, 'name')
  const id = get(info, 'id')
  if (!truthy(id) && !truthy(name)) throw expectingToFind('id or name', 'domain')
  let domain: Domain | undefined
  try {
    if (truthy(name)) domain = await store.resource.findDomainByName(String(name))
    else domain = await store.resource.getDomain(String(id))
  } catch (error) {
    if (error instanceof DomainNotFound) throw unauthorized('domain not found', error)
    throw error
  }
  if (domain === undefined) throw unauthorized('domain not found')
  if (!domain.enabled) throw unauthorized(`domain ${domain.id} is disabled`)
  return domain
}

export async function lookupAuthUser(store: Store, userInfo: unknown): Promise<AuthUser> {
  const id = get(userInfo, 'id')
  const name = get(userInfo, 'name')
  if (!truthy(id) && !truthy(name)) throw expectingToFind('id or name', 'user')
  let user: User | undefined
  let domain: Domain
  if (truthy(name)) {
    if (!contains(userInfo, 'domain')) throw expectingToFind('domain', 'user')
    domain = await lookupUserDomain(store, get(userInfo, 'domain'))
    const wanted = text(name)
    user = wanted === undefined ? undefined : await store.identity.findUserByName(wanted, domain.id)
    if (user === undefined) throw unauthorized('user not found')
  } else {
    const wanted = text(id)
    try {
      if (wanted === undefined) throw new UserNotFound()
      user = await store.identity.getUser(wanted)
    } catch (error) {
      if (error instanceof UserNotFound) throw unauthorized('user not found', error)
      throw error
    }
    domain = await store.resource.getDomain(user.domainId)
    if (!domain.enabled) throw unauthorized(`domain ${domain.id} is disabled`)
  }
  // identity_api.assert_user_enabled: the domain, then the user
  if (!domain.enabled || !user.enabled) throw unauthorized(`user ${user.id} is disabled`)
  return { user, domain }
}
