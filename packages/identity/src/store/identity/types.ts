/**
 * The identity area's entities and repository interface: local users (with password history and
 * lockout counters), groups and group membership. Password hashing happens before the store:
 * it only ever sees hashes.
 * @module
 */
import type { JsonObject } from '../codecs.ts'
import type { TextFilter } from '../text_filter.ts'
import type { Micros } from '../timestamps.ts'
import type { AttemptLimit } from './auth_attempts.ts'

export interface User {
  readonly id: string
  readonly name: string
  readonly domainId: string
  readonly enabled: boolean
  readonly defaultProjectId: string | null
  readonly options: JsonObject
  /** Everything else the API received (email, description, ...), echoed back. */
  readonly extra: JsonObject
  readonly createdAt: Micros
  readonly lastActiveAt: Micros | null
  readonly failedAuthCount: number
  readonly failedAuthAt: Micros | null
  /** From the current password; null when it never expires or there is none. */
  readonly passwordExpiresAt: Micros | null
}

export interface NewPassword {
  readonly hash: string
  readonly expiresAt?: Micros | null
  /** Set by the user's own change (Keystone counts these for minimum_password_age). */
  readonly selfService?: boolean
}

export interface PasswordRecord {
  readonly hash: string
  readonly createdAt: Micros
  readonly expiresAt: Micros | null
  readonly selfService: boolean
}

export interface NewUser {
  readonly id?: string
  readonly name: string
  readonly domainId: string
  readonly enabled?: boolean
  readonly defaultProjectId?: string | null
  readonly options?: JsonObject
  readonly extra?: JsonObject
  readonly password?: NewPassword
}

export interface UserPatch {
  readonly name?: string
  readonly enabled?: boolean
  readonly defaultProjectId?: string | null
  readonly options?: JsonObject
  readonly extra?: JsonObject
}

export interface UserFilter {
  readonly name?: TextFilter
  readonly domainId?: string
  readonly enabled?: boolean
  /** Members of this group (`GET /groups/{id}/users`). */
  readonly groupId?: string
}

export interface Group {
  readonly id: string
  readonly name: string
  readonly domainId: string
  readonly description: string | null
  readonly extra: JsonObject
}

export interface NewGroup {
  readonly id?: string
  readonly name: string
  readonly domainId: string
  readonly description?: string | null
  readonly extra?: JsonObject
}

export interface GroupPatch {
  readonly name?: string
  readonly description?: string | null
  readonly extra?: JsonObject
}

export interface GroupFilter {
  readonly name?: TextFilter
  readonly domainId?: string
  /** Groups this user belongs to (`GET /users/{id}/groups`). */
  readonly userId?: string
}

export interface IdentityRepository {
  /** @throws DomainNotFound, Conflict (name taken in the domain) */
  createUser(input: NewUser): Promise<User>
  /** @throws UserNotFound */
  getUser(id: string): Promise<User>
  findUserByName(name: string, domainId: string): Promise<User | undefined>
  listUsers(filter?: UserFilter): Promise<User[]>
  updateUser(id: string, patch: UserPatch): Promise<User>
  /** Also removes its memberships, passwords, assignments and application credentials. */
  deleteUser(id: string): Promise<void>

  /** Appends to the history; the newest row is the current password. */
  setPassword(userId: string, password: NewPassword): Promise<void>
  getPassword(userId: string): Promise<PasswordRecord | undefined>
  /** Newest first, at most `limit` (Keystone's unique_last_password_count). */
  listPasswordHistory(userId: string, limit: number): Promise<PasswordRecord[]>
  /** Counts a failed authentication now (clock) and returns the new count. */
  recordFailedAuth(userId: string): Promise<number>
  /**
   * Takes one of the lockout window's attempt slots, counting the attempt as a failure before the
   * password is checked; false when the user is locked (see auth_attempts.ts).
   */
  reserveAuthAttempt(userId: string, limit: AttemptLimit): Promise<boolean>
  /** Clears the failure count (a right password, an expired lockout, a re-enabled user). */
  resetFailedAuth(userId: string): Promise<void>
  recordLastActive(userId: string): Promise<void>

  createGroup(input: NewGroup): Promise<Group>
  /** @throws GroupNotFound */
  getGroup(id: string): Promise<Group>
  findGroupByName(name: string, domainId: string): Promise<Group | undefined>
  listGroups(filter?: GroupFilter): Promise<Group[]>
  updateGroup(id: string, patch: GroupPatch): Promise<Group>
  /** Also removes its memberships and assignments. */
  deleteGroup(id: string): Promise<void>

  /** Idempotent. @throws UserNotFound, GroupNotFound */
  addUserToGroup(userId: string, groupId: string): Promise<void>
  /** @throws NotFound when the user is not a member */
  removeUserFromGroup(userId: string, groupId: string): Promise<void>
  isUserInGroup(userId: string, groupId: string): Promise<boolean>
}
