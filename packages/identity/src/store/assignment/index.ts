/**
 * The SQL implementation of `AssignmentRepository`.
 * @module
 */
import type { StoreContext } from '../context.ts'
import * as grants from './grants.ts'
import * as roles from './roles.ts'
import type { AssignmentRepository } from './types.ts'

export type * from './types.ts'

export function createAssignmentRepository(ctx: StoreContext): AssignmentRepository {
  return {
    createRole: (input) => roles.createRole(ctx, input),
    getRole: (id) => roles.getRole(ctx, id),
    findRoleByName: (name, domainId) => roles.findRoleByName(ctx, name, domainId),
    listRoles: (filter) => roles.listRoles(ctx, filter),
    listRolesByIds: (ids) => roles.listRolesByIds(ctx, ids),
    updateRole: (id, patch) => roles.updateRole(ctx, id, patch),
    deleteRole: (id) => roles.deleteRole(ctx, id),
    addImpliedRole: (prior, implied) => roles.addImpliedRole(ctx, prior, implied),
    hasImpliedRole: (prior, implied) => roles.hasImpliedRole(ctx, prior, implied),
    removeImpliedRole: (prior, implied) => roles.removeImpliedRole(ctx, prior, implied),
    listImpliedRoles: (prior) => roles.listImpliedRoles(ctx, prior),
    grant: (g) => grants.grant(ctx, g),
    hasGrant: (g) => grants.hasGrant(ctx, g),
    revokeGrant: (g) => grants.revokeGrant(ctx, g),
    listGrantedRoles: (actor, target, inherited) =>
      grants.listGrantedRoles(ctx, actor, target, inherited),
    grantSystem: (actor, roleId) => grants.grantSystem(ctx, actor, roleId),
    hasSystemGrant: (actor, roleId) => grants.hasSystemGrant(ctx, actor, roleId),
    revokeSystemGrant: (actor, roleId) => grants.revokeSystemGrant(ctx, actor, roleId),
    listSystemGrantedRoles: (actor) => grants.listSystemGrantedRoles(ctx, actor),
    listRoleAssignments: (filter) => grants.listRoleAssignments(ctx, filter),
  }
}
