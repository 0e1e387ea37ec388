/**
 * Domain create and update (keystone/api/domains.py, ResourceManager.create_domain /
 * update_domain): a domain is a project acting as a domain, so both go through the project
 * rules with the domain's conflict message; `explicit_domain_id` must be a UUID in hex form and is
 * echoed back as an extra attribute, as Keystone does.
 * @module
 */

import { Conflict, ValidationError } from '../../errors.ts'
import type { Domain, JsonObject, Store } from '../../store/index.ts'
import { isObject } from '../py_values.ts'
import { extrasOf, newId, strip } from './entities.ts'
import { assertNotFederated, projectConflict, updateProject } from './projects.ts'

const ATTRIBUTES = ['id', 'name', 'domain_id', 'description', 'enabled', 'parent_id', 'is_domain']

/** Python's type name, for the TypeError messages Keystone turns into 400s. */
function pyType(value: unknown): string {
  if (value === null) return 'NoneType'
  if (typeof value === 'boolean') return 'bool'
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float'
  if (typeof value === 'string') return 'str'
  return Array.isArray(value) ? 'list' : 'dict'
}

/**
 * The domain schemas leave `options` unchecked; Project.from_dict then keeps registered options
 * only and runs their validator, whose TypeError Keystone answers with a 400.
 */
export function domainOptions(value: unknown, current: JsonObject = {}): JsonObject {
  if (value === undefined) return current
  if (!isObject(value)) {
    if (typeof value === 'string' || Array.isArray(value)) return current
    throw new ValidationError(`argument of type '${pyType(value)}' is not iterable`)
  }
  const next = { ...current }
  if (!Object.hasOwn(value, 'immutable')) return next
  const immutable = value.immutable
  if (immutable === null) {
    delete next.immutable
    return next
  }
  if (typeof immutable !== 'boolean') {
    throw new ValidationError(`Expected boolean value, got <class '${pyType(immutable)}'>`)
  }
  return { ...next, immutable }
}

/** `ResourceBase._validate_id_format`: only `uuid.UUID(x).hex == x`, i.e. 32 lowercase hex. */
function explicitDomainId(value: unknown): string {
  if (typeof value === 'string' && /^[0-9a-f]{32}$/.test(value)) return value
  throw new ValidationError('Domain ID does not conform to required UUID format.')
}

/** POST /v3/domains after schema validation; `body` is `_normalize_dict`-ed. */
export async function createDomain(store: Store, body: Record<string, unknown>): Promise<Domain> {
  const explicit = body.explicit_domain_id
  const id = explicit === undefined || explicit === null ? newId() : explicitDomainId(explicit)
  const name = strip(String(body.name))
  assertNotFederated(name)
  const options = domainOptions(body.options)
  try {
    return await store.resource.createDomain({
      id,
      name,
      description: Object.hasOwn(body, 'description') ? (body.description as string | null) : '',
      enabled: body.enabled !== false,
      options,
      extra: extrasOf(body, [...ATTRIBUTES, 'tags', 'options']),
      ...(Array.isArray(body.tags) ? { tags: body.tags as string[] } : {}),
    })
  } catch (error) {
    // a taken name and a taken explicit ID both come back with Keystone's project message
    if (error instanceof Conflict) {
      throw projectConflict(name, id, true)
    }
    throw error
  }
}

/** PATCH /v3/domains/{id}: the patch in project form (`get_project_from_domain`). */
export async function updateDomain(
  store: Store,
  id: string,
  body: Record<string, unknown>,
): Promise<Domain> {
  assertNotFederated(body.name)
  const current = await store.resource.getDomain(id)
  const patch: Record<string, unknown> = {
    ...body,
    is_domain: true,
    domain_id: null,
    parent_id: null,
  }
  if (Object.hasOwn(body, 'options')) {
    patch.options = { immutable: domainOptions(body.options, current.options).immutable ?? null }
  }
  await updateProject(store, id, patch)
  return store.resource.getDomain(id)
}
