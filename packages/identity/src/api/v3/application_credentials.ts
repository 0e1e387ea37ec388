/**
 * /v3/users/{user_id}/application_credentials (keystone/api/users.py UserAppCred*). The secret
 * is returned by the create call only, hashed like a password before storing. Getting or
 * deleting one is authorized against its real owner (Keystone swaps the path's user_id for the
 * owner's before enforcing), so the path's user does not matter there. Links point at
 * `<endpoint>/v3/application_credentials/<id>`, as Keystone's resource (no api prefix) renders
 * them.
 * @module
 */

import type { FastifyRequest } from 'fastify'
import { authSettings } from '../../core/auth/auth_settings.ts'
import { passwordSettings } from '../../core/password_settings.ts'
import { truthy } from '../../core/py_values.ts'
import {
  assertNoExtras,
  assertNotDelegated,
  assertRolesHeld,
  assertUnrestricted,
  forbiddenAction,
  generateSecret,
  parseExpiration,
  requestedAccessRules,
  resolveRoles,
} from '../../core/resources/application_credentials.ts'
import { normalizeDict, renderApplicationCredential } from '../../core/resources/entities.ts'
import { buildHints, exactValues, matchesFilters } from '../../core/resources/query_filters.ts'
import { validate } from '../../core/resources/schema_validator.ts'
import { applicationCredentialCreate } from '../../core/resources/schemas.ts'
import { hashPassword } from '../../passwords/index.ts'
import { scopeProjectId } from '../../scope.ts'
import type { ApplicationCredential } from '../../store/index.ts'
import type { ApiContext } from '../context.ts'
import { created, noContent, ok, type Router } from '../router.ts'
import {
  authorize,
  bodyMember,
  orNothing,
  param,
  queryArgs,
  wrapCollection,
  wrapMember,
} from './route_kit.ts'

const COLLECTION = 'application_credentials'

export function registerApplicationCredentialRoutes(router: Router, ctx: ApiContext): void {
  const primary = authSettings(ctx.config).primaryMethods
  const render = async (a: ApplicationCredential) =>
    renderApplicationCredential(a, await ctx.store.assignment.listRolesByIds(a.roleIds))
  /** `_update_request_user_id_attribute`: the owner replaces the path's user_id. */
  const ownerTarget = (req: FastifyRequest) => async () => {
    const id = param(req, 'application_credential_id')
    const current = await orNothing(() => ctx.store.applicationCredentials.get(id))
    if (current === undefined) return {}
    return { view: { user_id: current.userId }, target: { user_id: current.userId } }
  }
  const base = '/v3/users/:user_id/application_credentials'

  router.route('GET', base, async (req) => {
    const filters = buildHints(queryArgs(req), ['name'])
    assertNotDelegated(
      await authorize(ctx, req, 'identity:list_application_credentials', { filters }),
      primary,
    )
    const name = exactValues(filters, 'name')[0]
    const list = await ctx.store.applicationCredentials.list(
      param(req, 'user_id'),
      name === undefined ? {} : { name },
    )
    const refs = []
    for (const a of list) refs.push(await render(a))
    const visible = refs.filter((r) => matchesFilters(r, filters))
    return ok(wrapCollection(ctx, req, COLLECTION, COLLECTION, visible))
  })

  router.route('POST', base, async (req) => {
    const caller = await authorize(ctx, req, 'identity:create_application_credential')
    assertNotDelegated(caller, primary)
    const body = bodyMember(req, 'application_credential')
    validate(applicationCredentialCreate, body)
    await assertUnrestricted(ctx.store, caller)
    const userId = param(req, 'user_id')
    if (caller.userId !== userId) {
      throw forbiddenAction('Cannot create an application credential for another user.')
    }
    const input = normalizeDict(body as Record<string, unknown>)
    const projectId = scopeProjectId(caller.scope)
    const secret = truthy(input.secret) ? String(input.secret) : generateSecret()
    const roleIds = await resolveRoles(ctx.store, caller, input.roles)
    const expiresAt =
      typeof input.expires_at === 'string' && input.expires_at !== ''
        ? parseExpiration(input.expires_at, ctx.clock.now())
        : null
    const accessRules = requestedAccessRules(input.access_rules)
    await assertRolesHeld(ctx.store, userId, projectId, roleIds)
    assertNoExtras(input)
    const secretHash = await hashPassword(secret, passwordSettings(ctx.config))
    const stored = await ctx.store.transaction((store) =>
      store.applicationCredentials.create({
        name: String(input.name),
        userId,
        projectId,
        secretHash,
        description: typeof input.description === 'string' ? input.description : null,
        expiresAt,
        unrestricted: input.unrestricted === true,
        roleIds,
        accessRules,
        ...(typeof input.system === 'string' ? { system: input.system } : {}),
      }),
    )
    const entity = { ...(await render(stored)), secret }
    return created(wrapMember(ctx, req, 'application_credential', COLLECTION, entity))
  })

  router.route('GET', `${base}/:application_credential_id`, async (req) => {
    assertNotDelegated(
      await authorize(ctx, req, 'identity:get_application_credential', ownerTarget(req)),
      primary,
    )
    const current = await ctx.store.applicationCredentials.get(
      param(req, 'application_credential_id'),
    )
    return ok(wrapMember(ctx, req, 'application_credential', COLLECTION, await render(current)))
  })

  router.route('DELETE', `${base}/:application_credential_id`, async (req) => {
    const caller = await authorize(
      ctx,
      req,
      'identity:delete_application_credential',
      ownerTarget(req),
    )
    assertNotDelegated(caller, primary)
    await assertUnrestricted(ctx.store, caller)
    const id = param(req, 'application_credential_id')
    await ctx.store.transaction((store) => store.applicationCredentials.delete(id))
    return noContent()
  })
}
