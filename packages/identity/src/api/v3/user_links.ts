/**
 * The user's own sub-resources (keystone/api/users.py): the self-service password change, which
 * needs no token (`POST /v3/users/{id}/password`, GET answers 405), and the projects and groups
 * of a user.
 * @module
 */
import {
  assertPasswordMatchesRegex,
  assertSelfServiceChangeAllowed,
  passwordPolicy,
} from '../../core/password_policy.ts'
import { passwordSettings } from '../../core/password_settings.ts'
import { renderGroup, renderProject } from '../../core/resources/entities.ts'
import { buildHints, matchesFilters, textFilter } from '../../core/resources/query_filters.ts'
import { listProjectsForUser } from '../../core/resources/role_assignments.ts'
import { validate } from '../../core/resources/schema_validator.ts'
import { passwordChange } from '../../core/resources/schemas.ts'
import {
  assertSelfServiceAllowed,
  changePassword,
  verifyOriginalPassword,
} from '../../core/resources/users.ts'
import { MethodNotAllowed } from '../../errors.ts'
import { securityComplianceOptions } from '../../options.ts'
import { hashPassword } from '../../passwords/index.ts'
import { scopeDomainId } from '../../scope.ts'
import { nowMicros } from '../../store/index.ts'
import type { ApiContext } from '../context.ts'
import { noContent, ok, type Router } from '../router.ts'
import { wrapLimitedCollection } from './list_limit.ts'
import { authorize, bodyMember, param, queryArgs, wrapCollection } from './route_kit.ts'
import { userTarget } from './users.ts'

export function registerUserLinkRoutes(router: Router, ctx: ApiContext): void {
  router.route('GET', '/v3/users/:user_id/password', async () => {
    throw new MethodNotAllowed()
  })

  router.route('POST', '/v3/users/:user_id/password', async (req) => {
    // unenforced: the original password is the credential
    const body = bodyMember(req, 'user')
    validate(passwordChange, body)
    const { original_password: original, password } = body as Record<string, string>
    const settings = passwordSettings(ctx.config)
    const compliance = ctx.config.get(securityComplianceOptions)
    const lockout = {
      maxAttempts: compliance.lockout_failure_attempts,
      durationSeconds: compliance.lockout_duration,
    }
    const id = param(req, 'user_id')
    const user = await verifyOriginalPassword(ctx.store, id, original ?? '', {
      ...settings,
      lockout,
    })
    const policy = passwordPolicy(ctx.config)
    // identity_api.authenticate's set_last_active_at, then validate_password and the driver
    if (policy.userInactivityDays !== undefined) await ctx.store.identity.recordLastActive(id)
    assertPasswordMatchesRegex(policy, password)
    assertSelfServiceAllowed(user)
    const now = nowMicros(ctx.clock)
    await assertSelfServiceChangeAllowed(ctx.store, user, password ?? '', policy, now, settings)
    const hash = await hashPassword(password ?? '', settings)
    await ctx.store.transaction((store) => changePassword(store, user, hash, { policy, now }))
    return noContent()
  })

  router.route('GET', '/v3/users/:user_id/projects', async (req) => {
    const filters = buildHints(queryArgs(req), ['domain_id', 'enabled', 'name'])
    const id = param(req, 'user_id')
    await authorize(ctx, req, 'identity:list_user_projects', async () => ({
      ...(await userTarget(ctx, id)),
      filters,
    }))
    const refs = (await listProjectsForUser(ctx.store, id))
      .map(renderProject)
      .filter((p) => matchesFilters(p, filters))
    return ok(wrapCollection(ctx, req, 'projects', 'projects', refs))
  })

  router.route('GET', '/v3/users/:user_id/groups', async (req) => {
    const filters = buildHints(queryArgs(req), ['name'])
    const id = param(req, 'user_id')
    const caller = await authorize(ctx, req, 'identity:list_groups_for_user', async () => ({
      ...(await userTarget(ctx, id)),
      filters,
    }))
    await ctx.store.identity.getUser(id)
    const name = textFilter(filters, 'name')
    const groups = await ctx.store.identity.listGroups({
      userId: id,
      ...(name === undefined ? {} : { name }),
    })
    const callerDomainId = scopeDomainId(caller.scope)
    const refs = groups
      .filter((g) => callerDomainId === null || g.domainId === callerDomainId)
      .map((g) => ({ ...renderGroup(g), membership_expires_at: null }))
      .filter((g) => matchesFilters(g, filters))
    return ok(wrapLimitedCollection(ctx, req, 'identity', 'groups', refs))
  })
}
