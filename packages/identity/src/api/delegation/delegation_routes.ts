/**
 * `/v3/OS-BATON/delegations` (Baton; docs/delegation.md):
 * - POST: X-Auth-Token = the user's token (or a delegation token, to narrow it), X-Service-Token
 *   = the acting service's token, body `{"delegation": {operation, audience, expires_in, roles}}`;
 *   201 with the delegation token in `X-Subject-Token` and its token body (`?nocatalog` as for
 *   `POST /v3/auth/tokens`). Refusals are Keystone's 401/400/403 bodies (core/delegations/).
 * - GET (list, the caller's own unless an admin asks `?user_id=`), GET one, DELETE one (revoke,
 *   with every delegation narrowed from it): the delegation's user, any of its actors, or an admin
 *   (`rule:admin_required`); anyone else 403. A delegation token cannot manage delegations.
 * @module
 */
import type { FastifyRequest } from 'fastify'
import type { Caller } from '../../core/caller.ts'
import { firstArg } from '../../core/resources/query_filters.ts'
import { renderDelegationRecord } from '../../core/tokens/render_delegation.ts'
import { forbiddenAction } from '../../errors.ts'
import { headerValue } from '../../http/authenticate.ts'
import type { Delegation, JsonValue } from '../../store/index.ts'
import { hasQueryArg } from '../auth/request_args.ts'
import { created, noContent, ok, type Router } from '../router.ts'
import { baseUrl, bodyMember, param, queryArgs } from '../v3/route_kit.ts'
import type { DelegationApiContext } from './context.ts'

const BASE = '/v3/OS-BATON/delegations'

function micros(value: number): string {
  return `${new Date(Math.floor(value / 1000)).toISOString().slice(0, 19)}.000000Z`
}

export function renderDelegationResource(
  ctx: DelegationApiContext,
  req: FastifyRequest,
  d: Delegation,
): { [key: string]: JsonValue } {
  return {
    ...renderDelegationRecord(d),
    user_id: d.userId,
    project_id: d.projectId,
    parent_id: d.parentId,
    role_ids: [...d.roleIds],
    created_at: micros(d.createdAt),
    revoked: d.revoked,
    revoked_at: d.revokedAt === null ? null : micros(d.revokedAt),
    links: { self: baseUrl(ctx, req, `OS-BATON/delegations/${d.id}`) },
  }
}

export function registerDelegationRoutes(router: Router, ctx: DelegationApiContext): void {
  const isAdmin = (caller: Caller) => ctx.policy.allows(caller, 'admin_required')

  /** A caller that may manage delegations at all: not itself a delegation token. */
  const manager = async (req: FastifyRequest): Promise<Caller> => {
    const caller = await ctx.authenticate(req)
    if (caller.scope.kind === 'delegation') {
      throw forbiddenAction('Delegation tokens cannot manage delegations')
    }
    return caller
  }

  /** The delegation, when the caller is its user, one of its actors or an admin. */
  const visible = async (req: FastifyRequest): Promise<Delegation> => {
    const caller = await manager(req)
    const delegation = await ctx.store.delegations.get(param(req, 'delegation_id'))
    const involved =
      delegation.userId === caller.userId ||
      delegation.actors.some((a) => a.userId === caller.userId)
    if (!involved && !isAdmin(caller)) throw forbiddenAction('identity:baton:get_delegation')
    return delegation
  }

  router.route('POST', BASE, async (req) => {
    const issued = await ctx.delegations.delegate({
      subjectToken: headerValue(req, 'x-auth-token'),
      actorToken: headerValue(req, 'x-service-token'),
      body: bodyMember(req, 'delegation', undefined),
    })
    const rendered = await ctx.tokens.render(issued.model, {
      includeCatalog: !hasQueryArg(req, 'nocatalog'),
    })
    return { ...created(rendered), headers: { 'X-Subject-Token': issued.token } }
  })

  router.route('GET', BASE, async (req) => {
    const caller = await manager(req)
    const userId = firstArg(queryArgs(req), 'user_id') || caller.userId
    if (userId !== caller.userId && !isAdmin(caller)) {
      throw forbiddenAction('identity:baton:list_delegations')
    }
    const list = await ctx.store.delegations.listForUser(userId)
    return ok({
      delegations: list.map((d) => renderDelegationResource(ctx, req, d)),
      links: { self: baseUrl(ctx, req, 'OS-BATON/delegations'), previous: null, next: null },
    })
  })

  router.route('GET', `${BASE}/:delegation_id`, async (req) =>
    ok({ delegation: renderDelegationResource(ctx, req, await visible(req)) }),
  )

  router.route('DELETE', `${BASE}/:delegation_id`, async (req) => {
    const delegation = await visible(req)
    await ctx.delegations.revoke(delegation.id)
    return noContent()
  })
}
