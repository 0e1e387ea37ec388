/**
 * /v3/OS-TRUST/trusts (keystone/api/trusts.py): create, list (all, by trustor, by trustee), get,
 * delete, and the delegated roles. A trust in the URL is looked up before the policy check, so an
 * unknown, deleted, expired or used-up trust is a 404 whoever asks (lp#1840288), and the policy
 * sees it as `target.trust`. Delegated tokens (application credential, EC2, OAuth1) are refused
 * after the policy check. Links: a trust's own is `<endpoint>/v3/OS-TRUST/trusts/<id>`, its
 * `roles_links.self` is Keystone's `<endpoint>/v3/<id>/roles` (sic), each role's `/v3/roles/<id>`.
 * @module
 */

import type { FastifyRequest } from 'fastify'
import type { Caller } from '../../core/caller.ts'
import { renderRole } from '../../core/resources/entities.ts'
import { firstArg } from '../../core/resources/query_filters.ts'
import { validate } from '../../core/resources/schema_validator.ts'
import { deleteTrust, getTrust } from '../../core/resources/trust_chain.ts'
import { trustCreate } from '../../core/resources/trust_schema.ts'
import {
  assertNotDelegated,
  createTrust,
  redelegationSource,
  type TrustSettings,
  trustSettings,
} from '../../core/resources/trusts.ts'
import { RoleNotFound } from '../../errors.ts'
import type { Micros, Role, Trust } from '../../store/index.ts'
import type { ApiContext } from '../context.ts'
import { created, noContent, ok, type Router } from '../router.ts'
import {
  authorize,
  baseUrl,
  bodyMember,
  enforce,
  param,
  queryArgs,
  withSelf,
  wrapCollection,
  wrapMember,
} from './route_kit.ts'

const COLLECTION = 'OS-TRUST/trusts'
const BASE = '/v3/OS-TRUST/trusts'

/** keystone.common.utils.isotime(subsecond=True): seconds, then a zeroed `.000000Z`. */
function isotimeSubsecond(micros: Micros): string {
  const seconds = Math.floor(micros / 1_000_000) * 1000
  return `${new Date(seconds).toISOString().slice(0, 19)}.000000Z`
}

/** `TrustModel.to_dict()` with `_normalize_trust_expires_at`: extra members, then the columns. */
export function renderTrust(t: Trust): Record<string, unknown> {
  return {
    ...t.extra,
    id: t.id,
    trustor_user_id: t.trustorUserId,
    trustee_user_id: t.trusteeUserId,
    project_id: t.projectId,
    impersonation: t.impersonation,
    expires_at: t.expiresAt === null ? null : isotimeSubsecond(t.expiresAt),
    remaining_uses: t.remainingUses,
    deleted_at: t.deletedAt === null ? null : isotimeSubsecond(t.deletedAt),
    redelegated_trust_id: t.redelegatedTrustId,
    redelegation_count: t.redelegationCount,
  }
}

export function registerTrustRoutes(router: Router, ctx: ApiContext): void {
  let settings: TrustSettings | undefined
  const trustConfig = () => {
    settings ??= trustSettings(ctx.config)
    return settings
  }
  /** `_normalize_trust_roles`: the roles that still exist, rendered as /v3/roles renders them. */
  const renderRoles = async (req: FastifyRequest, t: Trust) => {
    const roles = await ctx.store.assignment.listRolesByIds(t.roleIds)
    return roles.map((r: Role) => withSelf(ctx, req, 'roles', renderRole(r)))
  }
  const rolesLinks = (req: FastifyRequest, t: Trust) => ({
    self: baseUrl(ctx, req, `/${t.id}/roles`),
    next: null,
    previous: null,
  })
  const full = async (req: FastifyRequest, t: Trust) =>
    wrapMember(ctx, req, 'trust', COLLECTION, {
      ...renderTrust(t),
      roles: await renderRoles(req, t),
      roles_links: rolesLinks(req, t),
    })
  /** `_build_trust_target_enforcement`, then the delegated-token check. */
  const authorizeOnTrust = async (
    req: FastifyRequest,
    action: string,
  ): Promise<{ caller: Caller; trust: Trust }> => {
    const caller = await ctx.authenticate(req)
    const trust = await getTrust(
      ctx.store,
      param(req, 'trust_id'),
      trustConfig().maxRedelegationCount,
    )
    enforce(ctx, caller, req, action, { target: { trust: renderTrust(trust) } })
    assertNotDelegated(caller, trustConfig())
    return { caller, trust }
  }

  router.route('POST', BASE, async (req) => {
    const body = bodyMember(req, 'trust')
    const caller = await authorize(ctx, req, 'identity:create_trust', { target: { trust: body } })
    validate(trustCreate, body)
    const trust = await ctx.store.transaction(async (store) =>
      createTrust(store, {
        caller,
        body: body as Record<string, unknown>,
        settings: trustConfig(),
        nowMs: ctx.clock.now(),
        redelegatedFrom: await redelegationSource(store, caller, trustConfig()),
      }),
    )
    return created(await full(req, trust))
  })

  router.route('GET', BASE, async (req) => {
    const args = queryArgs(req)
    const trustor = firstArg(args, 'trustor_user_id')
    const trustee = firstArg(args, 'trustee_user_id')
    let caller: Caller
    if (trustor) {
      caller = await authorize(ctx, req, 'identity:list_trusts_for_trustor', {
        target: { trust: { trustor_user_id: trustor } },
      })
    } else if (trustee) {
      caller = await authorize(ctx, req, 'identity:list_trusts_for_trustee', {
        target: { trust: { trustee_user_id: trustee } },
      })
    } else {
      caller = await authorize(ctx, req, 'identity:list_trusts')
    }
    assertNotDelegated(caller, trustConfig())
    // Keystone: every other query argument (or an empty filter) lists nothing
    const trusts =
      args.length === 0
        ? await ctx.store.trusts.list()
        : trustor
          ? await ctx.store.trusts.list({ trustorUserId: trustor })
          : trustee
            ? await ctx.store.trusts.list({ trusteeUserId: trustee })
            : []
    return ok(wrapCollection(ctx, req, 'trusts', COLLECTION, trusts.map(renderTrust)))
  })

  router.route('GET', `${BASE}/:trust_id`, async (req) => {
    const { trust } = await authorizeOnTrust(req, 'identity:get_trust')
    return ok(await full(req, trust))
  })

  router.route('DELETE', `${BASE}/:trust_id`, async (req) => {
    const { trust } = await authorizeOnTrust(req, 'identity:delete_trust')
    await ctx.store.transaction((store) => deleteTrust(store, trust.id))
    return noContent()
  })

  router.route('GET', `${BASE}/:trust_id/roles`, async (req) => {
    const { trust } = await authorizeOnTrust(req, 'identity:list_roles_for_trust')
    return ok({ roles: await renderRoles(req, trust), links: rolesLinks(req, trust) })
  })

  router.route('GET', `${BASE}/:trust_id/roles/:role_id`, async (req) => {
    const { trust } = await authorizeOnTrust(req, 'identity:get_role_for_trust')
    const roleId = param(req, 'role_id')
    if (!trust.roleIds.includes(roleId)) throw new RoleNotFound(`Could not find role: ${roleId}.`)
    const role = await ctx.store.assignment.getRole(roleId)
    return ok(wrapMember(ctx, req, 'role', 'roles', renderRole(role)))
  })
}
