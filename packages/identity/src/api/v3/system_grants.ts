/**
 * Role grants on the system (keystone/api/system.py): `/v3/system/{users,groups}/{id}/roles`.
 * Domain-specific roles cannot be granted on the system (400).
 * @module
 */
import type { FastifyRequest } from 'fastify'
import { renderGroup, renderRole, renderUser } from '../../core/resources/entities.ts'
import { checkSystemGrant, createSystemGrant } from '../../core/resources/grants.ts'
import type { Actor } from '../../store/index.ts'
import type { ApiContext } from '../context.ts'
import { noContent, ok, type Router } from '../router.ts'
import { authorize, orNothing, param, wrapCollection } from './route_kit.ts'

export function registerSystemGrantRoutes(router: Router, ctx: ApiContext): void {
  for (const type of ['user', 'group'] as const) {
    const base = `/v3/system/${type}s/:actor_id/roles`
    const actor = (req: FastifyRequest): Actor => ({ type, id: param(req, 'actor_id') })
    /** `_build_enforcement_target`: role first, then the actor (may be missing on DELETE). */
    const target =
      (req: FastifyRequest, allowMissing = false) =>
      async () => {
        const out: Record<string, unknown> = {}
        const roleId = param(req, 'role_id')
        if (roleId !== '') out.role = renderRole(await ctx.store.assignment.getRole(roleId))
        const id = param(req, 'actor_id')
        const get = async () =>
          type === 'user'
            ? renderUser(await ctx.store.identity.getUser(id))
            : renderGroup(await ctx.store.identity.getGroup(id))
        const entity = allowMissing ? await orNothing(get) : await get()
        if (entity !== undefined) out[type] = entity
        return { target: out }
      }

    router.route('GET', base, async (req) => {
      await authorize(ctx, req, `identity:list_system_grants_for_${type}`, target(req))
      const roles = await ctx.store.assignment.listSystemGrantedRoles(actor(req))
      return ok(wrapCollection(ctx, req, 'roles', 'roles', roles.map(renderRole)))
    })
    router.route('GET', `${base}/:role_id`, async (req) => {
      await authorize(ctx, req, `identity:check_system_grant_for_${type}`, target(req))
      await checkSystemGrant(ctx.store, actor(req), param(req, 'role_id'))
      return noContent()
    })
    router.route('PUT', `${base}/:role_id`, async (req) => {
      await authorize(ctx, req, `identity:create_system_grant_for_${type}`, target(req))
      await ctx.store.transaction((s) => createSystemGrant(s, actor(req), param(req, 'role_id')))
      return noContent()
    })
    router.route('DELETE', `${base}/:role_id`, async (req) => {
      await authorize(ctx, req, `identity:revoke_system_grant_for_${type}`, target(req, true))
      await ctx.store.transaction((s) =>
        s.assignment.revokeSystemGrant(actor(req), param(req, 'role_id')),
      )
      return noContent()
    })
  }
}
