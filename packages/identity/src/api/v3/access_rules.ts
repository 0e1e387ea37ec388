/**
 * /v3/users/{user_id}/access_rules (keystone/api/users.py UserAccessRule*): the rules a user's
 * application credentials share. Authorized against the path's user (system readers, or the
 * user itself); a rule is looked up among that user's own rules only, so another user's rule
 * is a 404 (Keystone finds any user's rule by ID). Deleting a rule a credential still uses is
 * Keystone's 403 "May not delete access rule in use". A trust-scoped token gets none (403).
 * @module
 */

import { authSettings } from '../../core/auth/auth_settings.ts'
import { assertNotDelegated } from '../../core/resources/application_credentials.ts'
import { buildHints, matchesFilters } from '../../core/resources/query_filters.ts'
import type { AccessRule } from '../../store/index.ts'
import type { ApiContext } from '../context.ts'
import { noContent, ok, type Router } from '../router.ts'
import { authorize, param, queryArgs, wrapCollection, wrapMember } from './route_kit.ts'
import { userTarget } from './users.ts'

const COLLECTION = 'access_rules'

function render(rule: AccessRule): Record<string, unknown> {
  return { id: rule.id, service: rule.service, path: rule.path, method: rule.method }
}

export function registerAccessRuleRoutes(router: Router, ctx: ApiContext): void {
  const primary = authSettings(ctx.config).primaryMethods
  const base = '/v3/users/:user_id/access_rules'

  router.route('GET', base, async (req) => {
    const filters = buildHints(queryArgs(req), ['service', 'path', 'method'])
    const userId = param(req, 'user_id')
    const caller = await authorize(ctx, req, 'identity:list_access_rules', async () => ({
      ...(await userTarget(ctx, userId)),
      filters,
    }))
    assertNotDelegated(caller, primary)
    const rules = await ctx.store.applicationCredentials.listAccessRules(userId)
    const refs = rules.map(render).filter((r) => matchesFilters(r, filters))
    return ok(wrapCollection(ctx, req, COLLECTION, COLLECTION, refs))
  })

  router.route('GET', `${base}/:access_rule_id`, async (req) => {
    const userId = param(req, 'user_id')
    assertNotDelegated(
      await authorize(ctx, req, 'identity:get_access_rule', () => userTarget(ctx, userId)),
      primary,
    )
    const rule = await ctx.store.applicationCredentials.getAccessRule(
      userId,
      param(req, 'access_rule_id'),
    )
    return ok(wrapMember(ctx, req, 'access_rule', COLLECTION, render(rule)))
  })

  router.route('DELETE', `${base}/:access_rule_id`, async (req) => {
    const userId = param(req, 'user_id')
    assertNotDelegated(
      await authorize(ctx, req, 'identity:delete_access_rule', () => userTarget(ctx, userId)),
      primary,
    )
    const id = param(req, 'access_rule_id')
    await ctx.store.transaction((store) =>
      store.applicationCredentials.deleteAccessRule(userId, id),
    )
    return noContent()
  })
}
