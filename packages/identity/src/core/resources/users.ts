/**
 * User create, update, delete and self-service password change between the API and the store
 * (keystone/identity/core.py, keystone/identity/backends/sql.py). Passwords arrive here already
 * hashed (hashing runs off the event loop, before any transaction opens); the revocation events
 * Keystone writes (disable, new password, delete) go through the same transaction-bound store.
 * @module
 */

import {
  Conflict,
  ProjectNotFound,
  Unauthorized,
  UserNotFound,
  ValidationError,
} from '../../errors.ts'
import type { PasswordLengthOptions } from '../../passwords/index.ts'
import { verifyPassword } from '../../passwords/index.ts'
import type { JsonObject, Micros, Store, User } from '../../store/index.ts'
import { type LockoutRule, verifyUnderLockout } from '../lockout_guard.ts'
import { newPasswordExpiry, type PasswordPolicy } from '../password_policy.ts'
import { isObject, truthy } from '../py_values.ts'
import { createOptions, extrasOf, mergeOptions, newId, strip } from './entities.ts'
import { revokeUser } from './revocation.ts'
import { deleteTrustsForUser } from './trust_chain.ts'

const USER_ATTRIBUTES = [
  'id',
  'name',
  'domain_id',
  'password',
  'enabled',
  'default_project_id',
  'password_expires_at',
  'options',
  'federated',
]

/** `_assert_default_project_id_is_not_domain` (an unknown project is fine). */
async function assertDefaultProject(store: Store, projectId: unknown): Promise<void> {
  if (!truthy(projectId) || typeof projectId !== 'string') return
  try {
    if ((await store.resource.getProject(projectId)).isDomain) {
      throw new ValidationError(`User's default project ID cannot be a domain ID: ${projectId}`)
    }
  } catch (error) {
    if (!(error instanceof ProjectNotFound)) throw error
  }
}

/** Baton has no identity providers, so any federated object names an unknown one. */
function assertNoFederation(federated: unknown): void {
  if (!Array.isArray(federated) || federated.length === 0) return
  const first: unknown = federated[0]
  const idp = isObject(first) ? String(first.idp_id) : ''
  throw new ValidationError(`Could not find Identity Provider: ${idp}`)
}

/** The `[security_compliance]` rules a password set now is stored under. */
export interface PasswordStamp {
  readonly policy: PasswordPolicy
  readonly now: Micros
}

/** POST /v3/users; `body` is normalized and has its domain_id; `passwordHash` if one was given. */
export async function createUser(
  store: Store,
  body: Record<string, unknown>,
  passwordHash: string | undefined,
  stamp?: PasswordStamp,
): Promise<User> {
  const domainId = String(body.domain_id)
  await store.resource.getDomain(domainId)
  await assertDefaultProject(store, body.default_project_id)
  assertNoFederation(body.federated)
  const options = createOptions(body.options)
  const enabled = body.enabled !== false
  const user = await store.identity.createUser({
    id: newId(),
    name: strip(String(body.name)),
    domainId,
    enabled,
    defaultProjectId: typeof body.default_project_id === 'string' ? body.default_project_id : null,
    options,
    extra: extrasOf(body, USER_ATTRIBUTES),
    ...(passwordHash === undefined
      ? {}
      : { password: { hash: passwordHash, expiresAt: expiryOf(stamp, options, true) } }),
  })
  return (await markActive(store, user, enabled, stamp)) ?? user
}

function expiryOf(stamp: PasswordStamp | undefined, options: JsonObject, firstUse: boolean) {
  return stamp === undefined ? null : newPasswordExpiry(stamp.policy, options, stamp.now, firstUse)
}

/**
 * Keystone's `enabled` setter: with `disable_user_account_days_inactive`, setting a user enabled
 * (at creation, or by any update that leaves it enabled) makes today its last active day.
 */
async function markActive(
  store: Store,
  user: User,
  enabled: boolean,
  stamp: PasswordStamp | undefined,
): Promise<User | undefined> {
  if (!enabled || stamp?.policy.userInactivityDays === undefined) return undefined
  await store.identity.recordLastActive(user.id)
  return store.identity.getUser(user.id)
}

export type UpdatedUser = { readonly user: User; readonly extra: JsonObject }

/**
 * PATCH /v3/users/{id}. Any update carrying a password, and disabling an enabled user, write a
 * revocation event for the user (IdentityManager.update_user).
 */
export async function updateUser(
  store: Store,
  id: string,
  patch: Record<string, unknown>,
  passwordHash: string | undefined,
  stamp?: PasswordStamp,
): Promise<UpdatedUser> {
  const old = await store.identity.getUser(id)
  if (Object.hasOwn(patch, 'domain_id') && patch.domain_id !== old.domainId) {
    throw new ValidationError('Cannot change Domain ID')
  }
  if (Object.hasOwn(patch, 'id') && patch.id !== id) {
    throw new ValidationError('Cannot change user ID')
  }
  await assertDefaultProject(store, patch.default_project_id)
  assertNoFederation(patch.federated)
  const extra = { ...old.extra, ...extrasOf(patch, USER_ATTRIBUTES) }
  let user: User
  try {
    user = await store.identity.updateUser(id, {
      ...(typeof patch.name === 'string' ? { name: strip(patch.name) } : {}),
      ...(typeof patch.enabled === 'boolean' ? { enabled: patch.enabled } : {}),
      ...(Object.hasOwn(patch, 'default_project_id')
        ? { defaultProjectId: (patch.default_project_id as string | null) ?? null }
        : {}),
      options: mergeOptions(old.options, patch.options),
      extra,
    })
  } catch (error) {
    if (!(error instanceof Conflict)) throw error
    // handle_conflicts formats from the patch: the domain appears only if the patch had one
    const where = truthy(patch.domain_id) ? ` at domain ID ${String(patch.domain_id)}` : ''
    throw new Conflict(
      `Conflict occurred attempting to store user - Duplicate entry found with name ` +
        `${String(patch.name)}${where}.`,
    )
  }
  // the `enabled` setter clears the lockout counters when a user is (re-)enabled
  if (patch.enabled === true) await store.identity.resetFailedAuth(id)
  // ... and Keystone's update sets `enabled` again from the (computed) old value or the patch
  const stillEnabled = typeof patch.enabled === 'boolean' ? patch.enabled : old.enabled
  user = (await markActive(store, user, stillEnabled, stamp)) ?? user
  if (passwordHash !== undefined) {
    const expiresAt = expiryOf(stamp, user.options, true)
    await store.identity.setPassword(id, { hash: passwordHash, expiresAt })
    user = await store.identity.getUser(id)
  }
  const disabled = patch.enabled === false && old.enabled !== false
  if (disabled || passwordHash !== undefined) await revokeUser(store, id)
  return { user, extra }
}

export async function deleteUser(store: Store, id: string): Promise<void> {
  await store.identity.getUser(id)
  await store.identity.deleteUser(id)
  await revokeUser(store, id)
  await deleteTrustsForUser(store, id)
}

/**
 * The `authenticate(user_id, original_password)` step of POST /v3/users/{id}/password: every
 * failure is Keystone's generic 401 (an expired password is fine here). A wrong password counts
 * as a failed authentication, outside any transaction so that it sticks; with lockout on, the
 * attempt is counted before the password is checked (lockout_guard.ts).
 */
export async function verifyOriginalPassword(
  store: Store,
  userId: string,
  original: string,
  rules: PasswordLengthOptions & { readonly lockout: LockoutRule },
): Promise<User> {
  const user = await store.identity.getUser(userId).catch((error: unknown) => {
    if (error instanceof UserNotFound) return undefined
    throw error
  })
  if (user === undefined) throw new Unauthorized()
  const matches = await verifyUnderLockout(store, user, rules.lockout, async () => {
    const current = await store.identity.getPassword(userId)
    return verifyPassword(original, current?.hash, rules)
  }).catch((error: unknown) => {
    // locked: the same bare 401 as a wrong password
    if (error instanceof Unauthorized) return false
    throw error
  })
  if (!matches) throw new Unauthorized()
  if (!user.enabled) throw new Unauthorized()
  return user
}

/** keystone PasswordSelfServiceDisabled (400) for users with the `lock_password` option. */
export function assertSelfServiceAllowed(user: User): void {
  if (user.options.lock_password === true) {
    throw new ValidationError(
      'You cannot change your password at this time due to password policy disallowing ' +
        'password changes. Please contact your administrator to reset your password.',
    )
  }
}

/**
 * The driver's change_password after authentication and the checks of password_policy.ts: a
 * self-service password (expiring after `password_expires_days`) and a revocation event.
 */
export async function changePassword(
  store: Store,
  user: User,
  newHash: string,
  stamp?: PasswordStamp,
): Promise<void> {
  assertSelfServiceAllowed(user)
  const expiresAt = expiryOf(stamp, user.options, false)
  await store.identity.setPassword(user.id, { hash: newHash, selfService: true, expiresAt })
  await revokeUser(store, user.id)
}
