/**
 * The SQL implementation of `IdentityRepository`.
 * @module
 */
import type { StoreContext } from '../context.ts'
import { nowMicros } from '../timestamps.ts'
import * as attempts from './auth_attempts.ts'
import * as groups from './groups.ts'
import { applyInactivity } from './inactivity.ts'
import * as passwords from './passwords.ts'
import type { IdentityRepository, User } from './types.ts'
import * as users from './users.ts'

export type { AttemptLimit } from './auth_attempts.ts'
export type * from './types.ts'

export function createIdentityRepository(ctx: StoreContext): IdentityRepository {
  // every user leaving the repository reads `enabled` as Keystone's model computes it
  const read = (user: User) => applyInactivity(user, ctx.userInactivityDays, nowMicros(ctx.clock))
  const readMaybe = (user: User | undefined) => (user === undefined ? undefined : read(user))
  return {
    createUser: async (input) => read(await users.createUser(ctx, input)),
    getUser: async (id) => read(await users.getUser(ctx, id)),
    findUserByName: async (name, domainId) =>
      readMaybe(await users.findUserByName(ctx, name, domainId)),
    listUsers: async (filter) => (await users.listUsers(ctx, filter)).map(read),
    updateUser: async (id, patch) => read(await users.updateUser(ctx, id, patch)),
    deleteUser: (id) => users.deleteUser(ctx, id),
    setPassword: (userId, password) => passwords.setPassword(ctx, userId, password),
    getPassword: (userId) => passwords.getPassword(ctx, userId),
    listPasswordHistory: (userId, limit) => passwords.listPasswordHistory(ctx, userId, limit),
    recordFailedAuth: (userId) => passwords.recordFailedAuth(ctx, userId),
    reserveAuthAttempt: (userId, limit) => attempts.reserveAuthAttempt(ctx, userId, limit),
    resetFailedAuth: (userId) => passwords.resetFailedAuth(ctx, userId),
    recordLastActive: (userId) => passwords.recordLastActive(ctx, userId),
    createGroup: (input) => groups.createGroup(ctx, input),
    getGroup: (id) => groups.getGroup(ctx, id),
    findGroupByName: (name, domainId) => groups.findGroupByName(ctx, name, domainId),
    listGroups: (filter) => groups.listGroups(ctx, filter),
    updateGroup: (id, patch) => groups.updateGroup(ctx, id, patch),
    deleteGroup: (id) => groups.deleteGroup(ctx, id),
    addUserToGroup: (userId, groupId) => groups.addUserToGroup(ctx, userId, groupId),
    removeUserFromGroup: (userId, groupId) => groups.removeUserFromGroup(ctx, userId, groupId),
    isUserInGroup: (userId, groupId) => groups.isUserInGroup(ctx, userId, groupId),
  }
}
