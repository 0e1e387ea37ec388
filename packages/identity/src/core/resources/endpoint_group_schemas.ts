/**
 * keystone/catalog/schema.py `endpoint_group_create` / `endpoint_group_update`, key for key, and
 * the checks keystone/api/os_ep_filter.py makes after them (non-empty filters on create, filter
 * keys among service_id, region_id and interface).
 * @module
 */
import { expectingToFind, ValidationError } from '../../errors.ts'
import { name } from './parameter_types.ts'
import type { Schema } from './schema_validator.ts'

const properties: Record<string, Schema> = {
  description: { type: ['string', 'null'] },
  filters: { type: 'object' },
  name,
}

export const endpointGroupCreate: Schema = {
  type: 'object',
  properties,
  required: ['name', 'filters'],
}

export const endpointGroupUpdate: Schema = {
  type: 'object',
  properties,
  minProperties: 1,
}

const FILTER_KEYS = ['service_id', 'region_id', 'interface']
const COLUMNS = ['id', 'name', 'description', 'filters']

/** `_require_valid_filter`; and on create, `filters` must not be empty. */
export function checkEndpointGroupBody(body: Record<string, unknown>, creating: boolean): void {
  const filters = body.filters as Record<string, unknown> | undefined
  if (creating && (filters === undefined || Object.keys(filters).length === 0)) {
    throw new ValidationError('filters field is required and cannot be empty')
  }
  for (const key of Object.keys(filters ?? {})) {
    if (!FILTER_KEYS.includes(key))
      throw expectingToFind(FILTER_KEYS.join(' or '), 'endpoint_group')
  }
  // Keystone's model refuses other keys with a TypeError (a 500); Baton answers 400.
  for (const key of Object.keys(body)) {
    if (!COLUMNS.includes(key)) {
      throw new ValidationError(`Invalid attribute for endpoint_group: ${key}`)
    }
  }
}
