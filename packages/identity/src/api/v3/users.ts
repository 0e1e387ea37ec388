/**
 * /v3/users CRUD (keystone/api/users.py UserResource). Passwords are hashed off the event loop
 * with `[identity] password_hash_algorithm/rounds` before any transaction opens, and never leave
 * the server. Self-service password change and the user's projects/groups are in user_links.ts.
 * @module
 */

import type { FastifyRequest } from 'fastify'
import { assertPasswordMatchesRegex, passwordPolicy } from '../../core/password_policy.ts'
import { passwordSettings } from '../../core/password_settings.ts'
import { truthy } from '../../core/py_values.ts'
import { normalizeDict, renderUser } from '../../core/resources/entities.ts'
import {
  buildHints,
  exactValues,
  type Filter,
  matchesFilters,
  textFilter,
} from '../../core/resources/query_filters.ts'
import { validate } from '../../core/resources/schema_validator.ts'
import { userCreate, userUpdate } from '../../core/resources/schemas.ts'
import { createUser, deleteUser, updateUser } from '../../core/resources/users.ts'
import { ValidationError } from '../../errors.ts'
import { identityOptions } from '../../options.ts'
import { hashPassword } from '../../passwords/index.ts'
import { scopeDomainId } from '../../scope.ts'
import { nowMicros, parseIsoTime, type User } from '../../store/index.ts'
import type { ApiContext } from '../context.ts'
import { created, noContent, ok, type Router } from '../router.ts'
import { wrapLimitedCollection } from './list_limit.ts'
import { authorize, bodyMember, orNothing, param, queryArgs, wrapMember } from './route_kit.ts'

export const USER_FILTERS = [
  'domain_id',
  'enabled',
  'idp_id',
  'name',
  'protocol_id',
  'unique_id',
  'password_expires_at',
]

/** `_build_user_target_enforcement`. */
export async function userTarget(ctx: ApiContext, id: string) {
  const user = await orNothing(() => ctx.store.identity.getUser(id))
  return { target: user === undefined ? {} : { user: renderUser(user) } }
}

export function registerUserRoutes(router: Router, ctx: ApiContext): void {
  const member = (req: FastifyRequest, user: Record<string, unknown>) =>
    wrapMember(ctx, req, 'user', 'users', user)
  const target = (req: FastifyRequest) => () => userTarget(ctx, param(req, 'user_id'))
  const hash = async (password: unknown) =>
    typeof password === 'string'
      ? await hashPassword(password, passwordSettings(ctx.config))
      : undefined
  const stamp = () => ({ policy: passwordPolicy(ctx.config), now: nowMicros(ctx.clock) })

  router.route('GET', '/v3/users', async (req) => {
    const filters = buildHints(queryArgs(req), USER_FILTERS)
    const caller = await authorize(ctx, req, 'identity:list_users', async (c) => {
      const callerDomainId = scopeDomainId(c.scope)
      return callerDomainId === null
        ? { filters }
        : { filters, target: { domain_id: callerDomainId } }
    })
    const domainId = scopeDomainId(caller.scope) ?? exactValues(filters, 'domain_id')[0]
    const name = textFilter(filters, 'name')
    const users = await ctx.store.identity.listUsers({
      ...(domainId === undefined ? {} : { domainId }),
      ...(name === undefined ? {} : { name }),
    })
    return ok(wrapLimitedCollection(ctx, req, 'identity', 'users', filterUsers(users, filters)))
  })

  router.route('POST', '/v3/users', async (req) => {
    const body = bodyMember(req, 'user')
    const caller = await authorize(ctx, req, 'identity:create_user', { target: { user: body } })
    validate(userCreate, body)
    const user = normalizeDict(body as Record<string, unknown>)
    if (Object.hasOwn(user, 'password')) {
      assertPasswordMatchesRegex(passwordPolicy(ctx.config), user.password)
    }
    if (!truthy(user.domain_id)) {
      user.domain_id =
        scopeDomainId(caller.scope) ?? ctx.config.get(identityOptions).default_domain_id
    }
    // keystone looks the domain up before it hashes anything
    await ctx.store.resource.getDomain(String(user.domain_id))
    const passwordHash = await hash(user.password)
    const stored = await ctx.store.transaction((store) =>
      createUser(store, user, passwordHash, stamp()),
    )
    return created(member(req, renderUser(stored)))
  })

  router.route('GET', '/v3/users/:user_id', async (req) => {
    await authorize(ctx, req, 'identity:get_user', target(req))
    return ok(member(req, renderUser(await ctx.store.identity.getUser(param(req, 'user_id')))))
  })

  router.route('PATCH', '/v3/users/:user_id', async (req) => {
    await authorize(ctx, req, 'identity:update_user', target(req))
    const id = param(req, 'user_id')
    await ctx.store.identity.getUser(id)
    const body = bodyMember(req, 'user')
    validate(userUpdate, body)
    const patch = normalizeDict(body as Record<string, unknown>)
    if (patch.id !== undefined && patch.id !== null && patch.id !== id) {
      throw new ValidationError('Cannot change ID')
    }
    if (Object.hasOwn(patch, 'password')) {
      assertPasswordMatchesRegex(passwordPolicy(ctx.config), patch.password)
    }
    const passwordHash = await hash(patch.password)
    const { user, extra } = await ctx.store.transaction((store) =>
      updateUser(store, id, patch, passwordHash, stamp()),
    )
    // the SQL driver answers with to_dict(include_extra_dict=True)
    return ok(member(req, { ...renderUser(user), extra }))
  })

  router.route('DELETE', '/v3/users/:user_id', async (req) => {
    await authorize(ctx, req, 'identity:delete_user', target(req))
    await ctx.store.transaction((store) => deleteUser(store, param(req, 'user_id')))
    return noContent()
  })
}

const FEDERATED_FILTERS = ['idp_id', 'protocol_id', 'unique_id']

/**
 * The user list filters: federated attributes select shadow users (Baton has none),
 * `password_expires_at=[op:]timestamp` compares the current password's expiry, the rest match
 * the rendered user.
 */
export function filterUsers(users: readonly User[], filters: readonly Filter[]) {
  if (filters.some((f) => FEDERATED_FILTERS.includes(f.name))) return []
  const expiry = filters.filter((f) => f.name === 'password_expires_at').map(expiryTest)
  const rest = filters.filter((f) => f.name !== 'password_expires_at')
  return users
    .filter((u) => expiry.every((test) => test(u.passwordExpiresAt)))
    .map(renderUser)
    .filter((u) => matchesFilters(u, rest))
}

const OPERATORS: Record<string, (a: number, b: number) => boolean> = {
  lt: (a, b) => a < b,
  gt: (a, b) => a > b,
  eq: (a, b) => a === b,
  lte: (a, b) => a <= b,
  gte: (a, b) => a >= b,
  neq: (a, b) => a !== b,
}

/** IdentityManager._translate_expired_password_hints */
function expiryTest(f: Filter): (expiresAt: number | null) => boolean {
  const [op, timestamp] = f.value.slice(2, 4).includes(':')
    ? [f.value.slice(0, f.value.indexOf(':')), f.value.slice(f.value.indexOf(':') + 1)]
    : ['eq', f.value]
  const at = parseIsoTime(timestamp)
  if (at === undefined) {
    throw new ValidationError(
      'Timestamp not in expected format. The server could not comply with the request since ' +
        'it is either malformed or otherwise incorrect. The client is assumed to be in error.',
    )
  }
  const compare = OPERATORS[op]
  if (compare === undefined) {
    throw new ValidationError(
      `The given operator ${op} is not valid. It must be one of the following: 'eq', 'neq', ` +
        "'lt', 'lte', 'gt', or 'gte'.",
    )
  }
  return (expiresAt) => expiresAt !== null && compare(expiresAt, at)
}
