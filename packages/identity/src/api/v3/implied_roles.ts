/**
 * Role implications (keystone/api/roles.py RoleImplication*, keystone/api/role_inferences.py):
 * `PUT /v3/roles/{prior}/implies/{implied}` answers 201 with the inference, `HEAD` 204 (two
 * policy checks, as Keystone's head() calls get()), `GET /v3/role_inferences` has no `links`.
 * @module
 */
import type { FastifyRequest } from 'fastify'
import { renderRole } from '../../core/resources/entities.ts'
import {
  checkImpliedRole,
  createImpliedRole,
  deleteImpliedRole,
} from '../../core/resources/roles.ts'
import { assignmentOptions } from '../../options.ts'
import type { Role } from '../../store/index.ts'
import type { ApiContext } from '../context.ts'
import { created, noContent, ok, type Router } from '../router.ts'
import { authorize, baseUrl, enforce, param } from './route_kit.ts'

export function registerImpliedRoleRoutes(router: Router, ctx: ApiContext): void {
  const brief = (req: FastifyRequest, role: Role) => ({
    id: role.id,
    links: { self: baseUrl(ctx, req, `/roles/${role.id}`) },
    name: role.name,
  })
  /** `_build_enforcement_target_ref`: both roles must exist (404 before policy). */
  const target = (req: FastifyRequest) => async () => {
    const prior = await ctx.store.assignment.getRole(param(req, 'prior_role_id'))
    const impliedId = param(req, 'implied_role_id')
    const implied = impliedId === '' ? undefined : await ctx.store.assignment.getRole(impliedId)
    return {
      target: {
        prior_role: renderRole(prior),
        ...(implied === undefined ? {} : { implied_role: renderRole(implied) }),
      },
    }
  }
  /** `_get_implied_role`: the single inference with its own self link. */
  const inference = async (req: FastifyRequest) => {
    const priorId = param(req, 'prior_role_id')
    const impliedId = param(req, 'implied_role_id')
    await checkImpliedRole(ctx.store, priorId, impliedId)
    const [prior, implied] = await Promise.all([
      ctx.store.assignment.getRole(priorId),
      ctx.store.assignment.getRole(impliedId),
    ])
    return {
      role_inference: { prior_role: brief(req, prior), implies: brief(req, implied) },
      links: { self: baseUrl(ctx, req, `/roles/${priorId}/implies/${impliedId}`) },
    }
  }
  const single = '/v3/roles/:prior_role_id/implies/:implied_role_id'

  router.route('GET', '/v3/roles/:prior_role_id/implies', async (req) => {
    await authorize(ctx, req, 'identity:list_implied_roles', target(req))
    const priorId = param(req, 'prior_role_id')
    const prior = await ctx.store.assignment.getRole(priorId)
    const implies = []
    for (const rule of await ctx.store.assignment.listImpliedRoles(priorId)) {
      implies.push(brief(req, await ctx.store.assignment.getRole(rule.impliedRoleId)))
    }
    return ok({
      role_inference: { prior_role: brief(req, prior), implies },
      links: { self: baseUrl(ctx, req, `/roles/${priorId}/implies`) },
    })
  })

  router.route(
    'GET',
    single,
    async (req) => {
      await authorize(ctx, req, 'identity:get_implied_role', target(req))
      return ok(await inference(req))
    },
    {
      head: async (req) => {
        const caller = await authorize(ctx, req, 'identity:check_implied_role', target(req))
        enforce(ctx, caller, req, 'identity:get_implied_role', await target(req)())
        await inference(req)
        return noContent()
      },
    },
  )

  router.route('PUT', single, async (req) => {
    await authorize(ctx, req, 'identity:create_implied_role', target(req))
    const prohibited = ctx.config.get(assignmentOptions).prohibited_implied_role
    const [priorId, impliedId] = [param(req, 'prior_role_id'), param(req, 'implied_role_id')]
    await ctx.store.transaction((store) => createImpliedRole(store, priorId, impliedId, prohibited))
    return created(await inference(req))
  })

  router.route('DELETE', single, async (req) => {
    await authorize(ctx, req, 'identity:delete_implied_role', target(req))
    const [priorId, impliedId] = [param(req, 'prior_role_id'), param(req, 'implied_role_id')]
    await ctx.store.transaction((store) => deleteImpliedRole(store, priorId, impliedId))
    return noContent()
  })

  router.route('GET', '/v3/role_inferences', async (req) => {
    await authorize(ctx, req, 'identity:list_role_inference_rules')
    const roles = new Map((await ctx.store.assignment.listRoles()).map((r) => [r.id, r]))
    const rules = new Map<string, ReturnType<typeof brief>[]>()
    for (const rule of await ctx.store.assignment.listImpliedRoles()) {
      const implied = roles.get(rule.impliedRoleId)
      if (implied === undefined) continue
      rules.set(rule.priorRoleId, [...(rules.get(rule.priorRoleId) ?? []), brief(req, implied)])
    }
    const inferences = []
    for (const [priorId, implies] of rules) {
      const prior = roles.get(priorId)
      if (prior !== undefined) inferences.push({ prior_role: brief(req, prior), implies })
    }
    return ok({ role_inferences: inferences })
  })
}
