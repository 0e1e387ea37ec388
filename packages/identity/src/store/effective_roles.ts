/**
 * A user's effective roles on one scope, as a token carries them: assignments to the user and to
 * the user's groups, OS-INHERIT assignments from the project's domain and parent projects, then
 * role implications followed transitively (UNION stops on cycles). Domain-specific roles are
 * dropped at the end: Keystone uses them only to imply global roles (`_strip_domain_roles`).
 *
 * One SQL statement per call; it sits on the token-validation path. A cache can wrap any
 * `EffectiveRoleResolver` (key: user ID + scope) and must be invalidated on grant, membership,
 * implication and role changes.
 * @module
 */
import { sql } from 'kysely'
import type { RoleTargetScope } from '../scope.ts'
import { NULL_DOMAIN_ID } from './codecs.ts'
import type { StoreContext } from './context.ts'

export interface EffectiveRole {
  readonly id: string
  readonly name: string
}

export interface EffectiveRoleResolver {
  /** Sorted by role ID; empty when the user has no role there (or the scope does not exist). */
  rolesFor(userId: string, scope: RoleTargetScope): Promise<EffectiveRole[]>
}

/** Guards the parent walk against corrupt (cyclic) data; real hierarchies are far shallower. */
const MAX_DEPTH = 100

export function createEffectiveRoleResolver(ctx: StoreContext): EffectiveRoleResolver {
  return {
    async rolesFor(userId, scope) {
      // The user's ID and its groups (an IN list) drive every lookup, one UNION ALL branch per
      // actor kind: a join through an `actor` CTE let SQLite pick the primary key's leading
      // `type` column and read every assignment of that type (~100 ms at 200k rows).
      let direct: ReturnType<typeof sql>
      if (scope.kind === 'system') {
        direct = sql`
          select a.role_id from system_assignment a
          where a.type = 'UserSystem' and a.actor_id = ${userId}
          union all
          select a.role_id from system_assignment a
          where a.type = 'GroupSystem'
            and a.actor_id in (select group_id from user_group_membership where user_id = ${userId})`
      } else {
        // `ancestor` holds the target (depth 0: direct grants only) and, for a project, every
        // parent up to and including its domain (depth > 0: inherited grants only).
        const inheritance = sql`
          ((t.depth = 0 and a.inherited = ${false}) or (t.depth > 0 and a.inherited = ${true}))`
        direct = sql`
          select a.role_id from ancestor t
            join assignment a on a.target_id = t.id
          where a.type in ('UserProject', 'UserDomain') and a.actor_id = ${userId} and ${inheritance}
          union all
          select a.role_id from ancestor t
            join assignment a on a.target_id = t.id
          where a.type in ('GroupProject', 'GroupDomain')
            and a.actor_id in (select group_id from user_group_membership where user_id = ${userId})
            and ${inheritance}`
      }
      const ancestorLimit = scope.kind === 'project' ? MAX_DEPTH : 0
      const scopeId =
        scope.kind === 'project' ? scope.projectId : scope.kind === 'domain' ? scope.domainId : ''
      const { rows } = await sql<EffectiveRole>`
        with recursive ancestor(id, parent_id, depth) as (
          select id, parent_id, 0 from project
            where id = ${scopeId} and is_domain = ${scope.kind === 'domain'}
          union
          select p.id, p.parent_id, t.depth + 1 from project p
            join ancestor t on p.id = t.parent_id
          where t.depth < ${ancestorLimit}
        ),
        direct(role_id) as (${direct}),
        effective(role_id) as (
          select role_id from direct
          union
          select i.implied_role_id from implied_role i join effective e on i.prior_role_id = e.role_id
        )
        select r.id, r.name from role r
        where r.id in (select role_id from effective) and r.domain_id = ${NULL_DOMAIN_ID}
        order by r.id`.execute(ctx.db)
      return rows.map((r) => ({ id: r.id, name: r.name }))
    },
  }
}
