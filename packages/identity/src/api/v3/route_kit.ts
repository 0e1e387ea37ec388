/**
 * What every resource route shares, in Keystone's shapes (keystone/server/flask/common.py):
 * `base_url`/`full_url` links, `wrap_member` / `wrap_collection` envelopes, the policy target
 * (view arguments at the top level, the looked-up entities under `target`, the list filters under
 * `filter_attr`, flattened to dotted keys as `RBACEnforcer.enforce_call` hands them to
 * oslo.policy) and request bodies read as `request_body_json.get(key, default)`. Routes are
 * registered through ../router.ts.
 * @module
 */

import type { FastifyRequest } from 'fastify'
import type { Caller } from '../../core/caller.ts'
import { isObject } from '../../core/py_values.ts'
import {
  type Filter,
  flattenDict,
  parseQuery,
  type QueryArgs,
} from '../../core/resources/query_filters.ts'
import { expectingToFind, NotFound, type ValidationError } from '../../errors.ts'
import type { ApiContext } from '../context.ts'

export function pathParams(request: FastifyRequest): Record<string, string> {
  return isObject(request.params) ? (request.params as Record<string, string>) : {}
}

/**
 * A path parameter. PostgreSQL cannot hold NUL characters (the driver fails, Keystone answers
 * 500), so nothing can be found under such an ID.
 */
export function param(request: FastifyRequest, name: string): string {
  const value = pathParams(request)[name] ?? ''
  if (value.includes('\u0000')) throw new NotFound('The resource could not be found.')
  return value
}

/** NUL characters cannot be stored or compared on PostgreSQL: refused up front (400). */
function nulRefused(): ValidationError {
  return expectingToFind('text without NUL characters', 'request')
}

function rawQuery(request: FastifyRequest): string {
  const at = request.url.indexOf('?')
  return at === -1 ? '' : request.url.slice(at + 1)
}

export function queryArgs(request: FastifyRequest): QueryArgs {
  const args = parseQuery(rawQuery(request))
  if (args.some(([k, v]) => k.includes('\u0000') || v.includes('\u0000'))) throw nulRefused()
  return args
}

/** keystone `base_url(path)`: `<endpoint>/v3[/<path>]`. */
export function baseUrl(ctx: ApiContext, request: FastifyRequest, path = ''): string {
  let tail = path.replace(/\/+$/, '').replace(/^\/+/, '')
  if (tail.startsWith('v3')) tail = tail.slice(2).replace(/^\/+/, '')
  return [ctx.baseUrl(request).replace(/\/+$/, ''), 'v3', tail].filter((p) => p !== '').join('/')
}

/** keystone `full_url(PATH_INFO)`: the request's own URL with its original query string. */
export function requestUrl(ctx: ApiContext, request: FastifyRequest): string {
  const path = decodeURIComponentSafe(request.url.split('?')[0] ?? '')
  const query = rawQuery(request)
  return `${baseUrl(ctx, request, path)}${query === '' ? '' : `?${query}`}`
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/** `wrap_member`: `{<key>: {...entity, links: {self: <base>/v3/<collection>/<id>}}}`. */
export function wrapMember(
  ctx: ApiContext,
  request: FastifyRequest,
  key: string,
  collection: string,
  entity: Record<string, unknown>,
): Record<string, unknown> {
  return { [key]: withSelf(ctx, request, collection, entity) }
}

export function withSelf(
  ctx: ApiContext,
  request: FastifyRequest,
  collection: string,
  entity: Record<string, unknown>,
): Record<string, unknown> {
  const self = baseUrl(ctx, request, `${collection}/${String(entity.id)}`)
  return { ...entity, links: { self } }
}

/** `wrap_collection` (no pagination: `next`/`previous` are always null). */
export function wrapCollection(
  ctx: ApiContext,
  request: FastifyRequest,
  key: string,
  collection: string | null,
  entities: readonly Record<string, unknown>[],
): Record<string, unknown> {
  const items =
    collection === null ? entities : entities.map((e) => withSelf(ctx, request, collection, e))
  return {
    [key]: items,
    links: { next: null, self: requestUrl(ctx, request), previous: null },
  }
}

/**
 * `request_body_json.get(key, fallback)`; a missing body reads as `{}`. The body parser
 * (http/json_body.ts) already refused bodies nested too deep or not UTF-8.
 */
export function bodyMember(request: FastifyRequest, key: string, fallback: unknown = {}): unknown {
  const body: unknown = request.body
  if (!isObject(body)) return fallback
  if (containsNul(body)) throw nulRefused()
  return Object.hasOwn(body, key) ? body[key] : fallback
}

/** Iterative, so the check itself cannot overflow the stack. */
function containsNul(value: unknown): boolean {
  const pending: unknown[] = [value]
  for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
    if (typeof item === 'string' && item.includes('\u0000')) return true
    if (typeof item !== 'object' || item === null) continue
    for (const [key, child] of Object.entries(item)) {
      if (key.includes('\u0000')) return true
      pending.push(child)
    }
  }
  return false
}

export type PolicyInput = {
  /** Entities under `target` (`target.project.domain_id`...). */
  readonly target?: Record<string, unknown>
  readonly filters?: readonly Filter[]
  /** View arguments replacing the path's (`user_id` of an application credential's owner). */
  readonly view?: Record<string, string>
}

/**
 * `ENFORCER.enforce_call`: the target oslo.policy sees, flattened. Request bodies are left out
 * on purpose (no default rule reads them, and they may carry passwords).
 */
export function enforce(
  ctx: ApiContext,
  caller: Caller,
  request: FastifyRequest,
  action: string,
  input: PolicyInput = {},
): void {
  const data: Record<string, unknown> = { ...pathParams(request), ...input.view }
  if (input.target !== undefined) data.target = input.target
  if (input.filters !== undefined && input.filters.length > 0) {
    const filterAttr: Record<string, string> = {}
    for (const f of input.filters) if (f.comparator === 'equals') filterAttr[f.name] ??= f.value
    data.filter_attr = filterAttr
  }
  ctx.policy.enforce(caller, action, flattenDict(data))
}

/** Authenticates, then enforces; the two steps every protected route starts with. */
export async function authorize(
  ctx: ApiContext,
  request: FastifyRequest,
  action: string,
  input: PolicyInput | ((caller: Caller) => Promise<PolicyInput>) = {},
): Promise<Caller> {
  const caller = await ctx.authenticate(request)
  const resolved = typeof input === 'function' ? await input(caller) : input
  enforce(ctx, caller, request, action, resolved)
  return caller
}

/** Looks an entity up for a policy target; a missing one leaves the target empty. */
export async function orNothing<T>(lookup: () => Promise<T>): Promise<T | undefined> {
  try {
    return await lookup()
  } catch (error) {
    if (error instanceof NotFound) return undefined
    throw error
  }
}
