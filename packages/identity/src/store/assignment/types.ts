/**
 * The assignment area's entities and repository interface: roles, role implications, grants on
 * projects/domains (optionally inherited to projects), system grants, and the raw role
 * assignment listing behind `GET /v3/role_assignments`. Expanding groups, inheritance and
 * implications for `?effective` is the caller's; a user's effective roles on one scope come from
 * `EffectiveRoleResolver` (effective_roles.ts).
 * @module
 */
import type { JsonObject } from '../codecs.ts'
import type { TextFilter } from '../text_filter.ts'

export interface Role {
  readonly id: string
  readonly name: string
  /** null for a global role. */
  readonly domainId: string | null
  readonly description: string | null
  /** e.g. `{"immutable": true}` from bootstrap. */
  readonly options: JsonObject
  readonly extra: JsonObject
}

export interface NewRole {
  readonly id?: string
  readonly name: string
  readonly domainId?: string | null
  readonly description?: string | null
  readonly options?: JsonObject
  readonly extra?: JsonObject
}

export interface RolePatch {
  readonly name?: string
  readonly description?: string | null
  readonly options?: JsonObject
  readonly extra?: JsonObject
}

export interface RoleFilter {
  readonly name?: TextFilter
  /** null: global roles only (what `GET /roles` without domain_id shows); unset: every role. */
  readonly domainId?: string | null
}

export interface RoleImplication {
  readonly priorRoleId: string
  readonly impliedRoleId: string
}

export interface Actor {
  readonly type: 'user' | 'group'
  readonly id: string
}

export interface GrantTarget {
  readonly type: 'project' | 'domain'
  readonly id: string
}

export interface Grant {
  readonly roleId: string
  readonly actor: Actor
  readonly target: GrantTarget
  /** OS-INHERIT: applies to the projects below the target, not to the target itself. */
  readonly inherited?: boolean
}

export type AssignmentScope = GrantTarget | { readonly type: 'system' }

export interface RoleAssignment {
  readonly roleId: string
  readonly actor: Actor
  readonly scope: AssignmentScope
  readonly inherited: boolean
}

export interface RoleAssignmentFilter {
  readonly actor?: Actor
  readonly roleId?: string
  readonly scope?: AssignmentScope
  /** `scope.OS-INHERIT:inherited_to=projects` → true. */
  readonly inherited?: boolean
}

export interface AssignmentRepository {
  /** @throws Conflict (name taken among global roles, or within the role's domain) */
  createRole(input: NewRole): Promise<Role>
  /** @throws RoleNotFound */
  getRole(id: string): Promise<Role>
  findRoleByName(name: string, domainId: string | null): Promise<Role | undefined>
  listRoles(filter?: RoleFilter): Promise<Role[]>
  listRolesByIds(ids: readonly string[]): Promise<Role[]>
  updateRole(id: string, patch: RolePatch): Promise<Role>
  /** Also removes its assignments, implications and application-credential roles. */
  deleteRole(id: string): Promise<void>

  /** @throws RoleNotFound, Conflict when the rule exists */
  addImpliedRole(priorRoleId: string, impliedRoleId: string): Promise<void>
  hasImpliedRole(priorRoleId: string, impliedRoleId: string): Promise<boolean>
  /** @throws ImpliedRoleNotFound */
  removeImpliedRole(priorRoleId: string, impliedRoleId: string): Promise<void>
  /** Every rule, or those of one prior role. */
  listImpliedRoles(priorRoleId?: string): Promise<RoleImplication[]>

  /** Idempotent (re-granting is silently fine). @throws Role/User/Group/Project/DomainNotFound */
  grant(grant: Grant): Promise<void>
  hasGrant(grant: Grant): Promise<boolean>
  /** @throws RoleAssignmentNotFound */
  revokeGrant(grant: Grant): Promise<void>
  /** Roles granted directly to the actor on the target (`GET /projects/{p}/users/{u}/roles`). */
  listGrantedRoles(actor: Actor, target: GrantTarget, inherited?: boolean): Promise<Role[]>

  grantSystem(actor: Actor, roleId: string): Promise<void>
  hasSystemGrant(actor: Actor, roleId: string): Promise<boolean>
  /** @throws RoleAssignmentNotFound */
  revokeSystemGrant(actor: Actor, roleId: string): Promise<void>
  listSystemGrantedRoles(actor: Actor): Promise<Role[]>

  listRoleAssignments(filter?: RoleAssignmentFilter): Promise<RoleAssignment[]>
}
