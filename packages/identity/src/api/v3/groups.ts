/**
 * /v3/groups and group membership (keystone/api/groups.py).
 * @module
 */

import type { FastifyRequest } from 'fastify'
import { truthy } from '../../core/py_values.ts'
import { normalizeDict, renderGroup, renderUser } from '../../core/resources/entities.ts'
import {
  addUserToGroup,
  checkUserInGroup,
  createGroup,
  deleteGroup,
  removeUserFromGroup,
  updateGroup,
} from '../../core/resources/groups.ts'
import {
  buildHints,
  exactValues,
  matchesFilters,
  textFilter,
} from '../../core/resources/query_filters.ts'
import { validate } from '../../core/resources/schema_validator.ts'
import { groupCreate, groupUpdate } from '../../core/resources/schemas.ts'
import { ValidationError } from '../../errors.ts'
import { identityOptions } from '../../options.ts'
import { scopeDomainId } from '../../scope.ts'
import type { ApiContext } from '../context.ts'
import { created, noContent, ok, type Router } from '../router.ts'
import { wrapLimitedCollection } from './list_limit.ts'
import { authorize, bodyMember, orNothing, param, queryArgs, wrapMember } from './route_kit.ts'
import { filterUsers } from './users.ts'

async function groupTarget(ctx: ApiContext, id: string) {
  const group = await orNothing(() => ctx.store.identity.getGroup(id))
  return group === undefined ? {} : { group: renderGroup(group) }
}

export function registerGroupRoutes(router: Router, ctx: ApiContext): void {
  const member = (req: FastifyRequest, group: Record<string, unknown>) =>
    wrapMember(ctx, req, 'group', 'groups', group)
  const target = (req: FastifyRequest) => async () => ({
    target: await groupTarget(ctx, param(req, 'group_id')),
  })

  router.route('GET', '/v3/groups', async (req) => {
    const filters = buildHints(queryArgs(req), ['domain_id', 'name'])
    const caller = await authorize(ctx, req, 'identity:list_groups', async (c) => {
      const callerDomainId = scopeDomainId(c.scope)
      return callerDomainId === null
        ? { filters }
        : { filters, target: { group: { domain_id: callerDomainId } } }
    })
    const callerDomainId = scopeDomainId(caller.scope)
    const domainId = exactValues(filters, 'domain_id')[0]
    const name = textFilter(filters, 'name')
    const groups = await ctx.store.identity.listGroups({
      ...(domainId === undefined ? {} : { domainId }),
      ...(name === undefined ? {} : { name }),
    })
    const refs = groups
      .filter((g) => callerDomainId === null || g.domainId === callerDomainId)
      .map(renderGroup)
      .filter((g) => matchesFilters(g, filters))
    return ok(wrapLimitedCollection(ctx, req, 'identity', 'groups', refs))
  })

  router.route('POST', '/v3/groups', async (req) => {
    const body = bodyMember(req, 'group')
    const caller = await authorize(ctx, req, 'identity:create_group', { target: { group: body } })
    validate(groupCreate, body)
    const group = normalizeDict(body as Record<string, unknown>)
    if (!truthy(group.domain_id)) {
      group.domain_id =
        scopeDomainId(caller.scope) ?? ctx.config.get(identityOptions).default_domain_id
    }
    const stored = await ctx.store.transaction((store) => createGroup(store, group))
    return created(member(req, renderGroup(stored)))
  })

  router.route('GET', '/v3/groups/:group_id', async (req) => {
    await authorize(ctx, req, 'identity:get_group', target(req))
    return ok(member(req, renderGroup(await ctx.store.identity.getGroup(param(req, 'group_id')))))
  })

  router.route('PATCH', '/v3/groups/:group_id', async (req) => {
    await authorize(ctx, req, 'identity:update_group', target(req))
    const body = bodyMember(req, 'group')
    validate(groupUpdate, body)
    const patch = normalizeDict(body as Record<string, unknown>)
    const id = param(req, 'group_id')
    if (patch.id !== undefined && patch.id !== null && patch.id !== id) {
      throw new ValidationError('Cannot change ID')
    }
    const group = await ctx.store.transaction((store) => updateGroup(store, id, patch))
    return ok(member(req, renderGroup(group)))
  })

  router.route('DELETE', '/v3/groups/:group_id', async (req) => {
    // no build_target: the member lookup makes an unknown group a 404 before policy
    await authorize(ctx, req, 'identity:delete_group', async () => ({
      target: {
        group: renderGroup(await ctx.store.identity.getGroup(param(req, 'group_id'))),
      },
    }))
    await ctx.store.transaction((store) => deleteGroup(store, param(req, 'group_id')))
    return noContent()
  })

  router.route('GET', '/v3/groups/:group_id/users', async (req) => {
    const filters = buildHints(queryArgs(req), [
      'domain_id',
      'enabled',
      'name',
      'password_expires_at',
    ])
    const id = param(req, 'group_id')
    const caller = await authorize(ctx, req, 'identity:list_users_in_group', async () => ({
      target: await groupTarget(ctx, id),
      filters,
    }))
    await ctx.store.identity.getGroup(id)
    const callerDomainId = scopeDomainId(caller.scope)
    const users = (await ctx.store.identity.listUsers({ groupId: id })).filter(
      (u) => callerDomainId === null || u.domainId === callerDomainId,
    )
    return ok(wrapLimitedCollection(ctx, req, 'identity', 'users', filterUsers(users, filters)))
  })

  const membership = '/v3/groups/:group_id/users/:user_id'
  const membershipTarget = (req: FastifyRequest) => async () => {
    const user = await orNothing(() => ctx.store.identity.getUser(param(req, 'user_id')))
    return {
      target: {
        ...(await groupTarget(ctx, param(req, 'group_id'))),
        ...(user === undefined ? {} : { user: renderUser(user) }),
      },
    }
  }
  const ids = (req: FastifyRequest) => [param(req, 'user_id'), param(req, 'group_id')] as const

  router.route('GET', membership, async (req) => {
    await authorize(ctx, req, 'identity:check_user_in_group', membershipTarget(req))
    await checkUserInGroup(ctx.store, ...ids(req))
    return noContent()
  })
  router.route('PUT', membership, async (req) => {
    await authorize(ctx, req, 'identity:add_user_to_group', membershipTarget(req))
    await ctx.store.transaction((store) => addUserToGroup(store, ...ids(req)))
    return noContent()
  })
  router.route('DELETE', membership, async (req) => {
    await authorize(ctx, req, 'identity:remove_user_from_group', membershipTarget(req))
    await ctx.store.transaction((store) => removeUserFromGroup(store, ...ids(req)))
    return noContent()
  })
}
