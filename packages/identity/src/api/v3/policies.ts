/**
 * /v3/policies (keystone/api/policy.py): OS-POLICY's stored blobs, deprecated since Queens but
 * still served. Keystone never enforces them; a blob is whatever string the client stored.
 * Other attributes are kept as extras and rendered at the top level.
 * @module
 */
import { extrasOf, newId, normalizeDict, type Rendered } from '../../core/resources/entities.ts'
import { policyCreate, policyUpdate } from '../../core/resources/limit_schemas.ts'
import { buildHints, matchesFilters } from '../../core/resources/query_filters.ts'
import { validate } from '../../core/resources/schema_validator.ts'
import { ValidationError } from '../../errors.ts'
import type { JsonValue, PolicyBlob } from '../../store/index.ts'
import type { ApiContext } from '../context.ts'
import { created, noContent, ok, type Router } from '../router.ts'
import { wrapLimitedCollection } from './list_limit.ts'
import { authorize, bodyMember, param, queryArgs, wrapMember } from './route_kit.ts'

const ATTRIBUTES = ['id', 'blob', 'type']

function renderPolicy(p: PolicyBlob): Rendered {
  return { ...p.extra, id: p.id, blob: p.blob, type: p.type }
}

export function registerPolicyRoutes(router: Router, ctx: ApiContext): void {
  const member = (req: Parameters<typeof param>[0], p: PolicyBlob) =>
    wrapMember(ctx, req, 'policy', 'policies', renderPolicy(p))

  router.route('GET', '/v3/policies', async (req) => {
    await authorize(ctx, req, 'identity:list_policies')
    const hints = buildHints(queryArgs(req), ['type'])
    const refs = (await ctx.store.policies.list()).map(renderPolicy)
    const shown = refs.filter((r) => matchesFilters(r, hints))
    return ok(wrapLimitedCollection(ctx, req, 'policy', 'policies', shown))
  })
  router.route('POST', '/v3/policies', async (req) => {
    await authorize(ctx, req, 'identity:create_policy')
    const body = bodyMember(req, 'policy', {})
    validate(policyCreate, body)
    const input = normalizeDict(body as Record<string, unknown>)
    const policy = await ctx.store.transaction((s) =>
      s.policies.create({
        id: newId(),
        blob: input.blob as JsonValue,
        type: String(input.type),
        extra: extrasOf(input, ATTRIBUTES),
      }),
    )
    return created(member(req, policy))
  })
  const path = '/v3/policies/:policy_id'
  router.route('GET', path, async (req) => {
    await authorize(ctx, req, 'identity:get_policy')
    return ok(member(req, await ctx.store.policies.get(param(req, 'policy_id'))))
  })
  router.route('PATCH', path, async (req) => {
    await authorize(ctx, req, 'identity:update_policy')
    const patch = bodyMember(req, 'policy', {}) as Record<string, unknown>
    validate(policyUpdate, patch)
    const id = param(req, 'policy_id')
    if (Object.hasOwn(patch, 'id') && patch.id !== id) {
      throw new ValidationError('Cannot change policy ID')
    }
    const policy = await ctx.store.transaction(async (s) => {
      const merged = { ...renderPolicy(await s.policies.get(id)), ...patch }
      return s.policies.update(id, {
        blob: merged.blob as JsonValue,
        type: String(merged.type),
        extra: extrasOf(merged, ATTRIBUTES),
      })
    })
    return ok(member(req, policy))
  })
  router.route('DELETE', path, async (req) => {
    await authorize(ctx, req, 'identity:delete_policy')
    await ctx.store.transaction((s) => s.policies.delete(param(req, 'policy_id')))
    return noContent()
  })
}
