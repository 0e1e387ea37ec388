/**
 * /v3/roles (keystone/api/roles.py RoleResource): without `domain_id` only global roles are
 * listed; domain-specific roles are checked with the `*_domain_role` policies. Implied roles are
 * in implied_roles.ts.
 * @module
 */

import type { FastifyRequest } from 'fastify'
import { isObject, truthy } from '../../core/py_values.ts'
import { normalizeDict, renderRole } from '../../core/resources/entities.ts'
import {
  buildHints,
  firstArg,
  matchesFilters,
  textFilter,
} from '../../core/resources/query_filters.ts'
import { createRole, deleteRole, updateRole } from '../../core/resources/roles.ts'
import { validate } from '../../core/resources/schema_validator.ts'
import { roleCreate, roleUpdate } from '../../core/resources/schemas.ts'
import { ValidationError } from '../../errors.ts'
import type { Role } from '../../store/index.ts'
import type { ApiContext } from '../context.ts'
import { created, noContent, ok, type Router } from '../router.ts'
import { wrapLimitedCollection } from './list_limit.ts'
import { authorize, bodyMember, enforce, param, queryArgs, wrapMember } from './route_kit.ts'

export function registerRoleRoutes(router: Router, ctx: ApiContext): void {
  const member = (req: FastifyRequest, role: Record<string, unknown>) =>
    wrapMember(ctx, req, 'role', 'roles', role)
  /**
   * The member target is looked up first (an unknown role is a 404 whoever asks); a global role
   * is checked with `identity:<verb>_role`, a domain role with `identity:<verb>_domain_role`.
   */
  const authorizeMember = async (req: FastifyRequest, verb: string): Promise<Role> => {
    const caller = await ctx.authenticate(req)
    const role = await ctx.store.assignment.getRole(param(req, 'role_id'))
    const action = role.domainId === null ? `identity:${verb}_role` : `identity:${verb}_domain_role`
    enforce(ctx, caller, req, action, { target: { role: renderRole(role) } })
    return role
  }

  router.route('GET', '/v3/roles', async (req) => {
    const args = queryArgs(req)
    const filters = buildHints(args, ['name', 'domain_id'])
    const domainFilter = firstArg(args, 'domain_id')
    const action = truthy(domainFilter) ? 'identity:list_domain_roles' : 'identity:list_roles'
    await authorize(ctx, req, action, { filters })
    const name = textFilter(filters, 'name')
    const roles = await ctx.store.assignment.listRoles({
      domainId: truthy(domainFilter) ? String(domainFilter) : null,
      ...(name === undefined ? {} : { name }),
    })
    const refs = roles.map(renderRole).filter((r) => matchesFilters(r, filters))
    return ok(wrapLimitedCollection(ctx, req, 'role', 'roles', refs))
  })

  router.route('POST', '/v3/roles', async (req) => {
    const body = bodyMember(req, 'role')
    const domainRole = isObject(body) && truthy(body.domain_id)
    await authorize(ctx, req, domainRole ? 'identity:create_domain_role' : 'identity:create_role')
    validate(roleCreate, body)
    const role = await ctx.store.transaction((store) =>
      createRole(store, normalizeDict(body as Record<string, unknown>)),
    )
    return created(member(req, renderRole(role)))
  })

  router.route('GET', '/v3/roles/:role_id', async (req) => {
    return ok(member(req, renderRole(await authorizeMember(req, 'get'))))
  })

  router.route('PATCH', '/v3/roles/:role_id', async (req) => {
    await authorizeMember(req, 'update')
    const body = bodyMember(req, 'role')
    validate(roleUpdate, body)
    const patch = normalizeDict(body as Record<string, unknown>)
    const id = param(req, 'role_id')
    if (patch.id !== undefined && patch.id !== null && patch.id !== id) {
      throw new ValidationError('Cannot change ID')
    }
    const role = await ctx.store.transaction((store) => updateRole(store, id, patch))
    return ok(member(req, renderRole(role)))
  })

  router.route('DELETE', '/v3/roles/:role_id', async (req) => {
    await authorizeMember(req, 'delete')
    await ctx.store.transaction((store) => deleteRole(store, param(req, 'role_id')))
    return noContent()
  })
}
