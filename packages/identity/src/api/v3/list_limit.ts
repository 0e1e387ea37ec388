/**
 * `list_limit` truncation as Keystone's managers and `ResourceBase.wrap_collection` do it: a
 * list route of an area whose driver has a `list_limit` ([identity] users and groups, [resource]
 * projects and domains, [role], [catalog], [policy], [unified_limit]; else `[DEFAULT]
 * list_limit`) answers at most that many entities, and `"truncated": true` beside them when it
 * cut any. Routes Keystone leaves whole (role assignments, grants, a user's projects,
 * application credentials) do not call this.
 * @module
 */
import type { FastifyRequest } from 'fastify'
import { defaultListLimitOptions, listLimitOptions } from '../../options.ts'
import type { ApiContext } from '../context.ts'
import { wrapCollection } from './route_kit.ts'

export type ListLimitArea = keyof typeof listLimitOptions

/** `driver._get_list_limit()`: the area's own value, else `[DEFAULT]`'s; undefined for none. */
export function listLimitFor(ctx: ApiContext, area: ListLimitArea): number | undefined {
  const own = ctx.config.get(listLimitOptions[area]).list_limit
  const limit = own || ctx.config.get(defaultListLimitOptions).list_limit
  return limit ? limit : undefined
}

/** `wrap_collection` with the area's `list_limit` applied. */
export function wrapLimitedCollection(
  ctx: ApiContext,
  request: FastifyRequest,
  area: ListLimitArea,
  key: string,
  entities: readonly Record<string, unknown>[],
): Record<string, unknown> {
  const limit = listLimitFor(ctx, area)
  if (limit === undefined || entities.length <= limit) {
    return wrapCollection(ctx, request, key, key, entities)
  }
  return { ...wrapCollection(ctx, request, key, key, entities.slice(0, limit)), truncated: true }
}
