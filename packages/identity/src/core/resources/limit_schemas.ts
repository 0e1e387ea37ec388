/**
 * Keystone 22's unified-limit request schemas (keystone/limit/schema.py), key for key and in the
 * same keyword order. Both create bodies are lists; a limit is a project's or a domain's, never
 * both (`oneOf`).
 * @module
 */
import { idString } from './parameter_types.ts'
import type { Schema } from './schema_validator.ts'

const resourceName: Schema = { type: 'string', minLength: 1, maxLength: 255 }
/** The maximum value a signed INT may have. */
const limitValue: Schema = { type: 'integer', minimum: -1, maximum: 0x7fffffff }
const description: Schema = { type: ['string', 'null'] }

const registeredLimitProperties: Record<string, Schema> = {
  service_id: idString,
  region_id: { type: ['null', 'string'] },
  resource_name: resourceName,
  default_limit: limitValue,
  description,
}

export const registeredLimitCreate: Schema = {
  type: 'array',
  items: {
    type: 'object',
    properties: registeredLimitProperties,
    additionalProperties: false,
    required: ['service_id', 'resource_name', 'default_limit'],
  },
  minItems: 1,
}

export const registeredLimitUpdate: Schema = {
  type: 'object',
  properties: registeredLimitProperties,
  additionalProperties: false,
}

const limitCreateProperties = (owner: 'project_id' | 'domain_id'): Record<string, Schema> => ({
  [owner]: idString,
  service_id: idString,
  region_id: { type: 'string' },
  resource_name: resourceName,
  resource_limit: limitValue,
  description,
})

export const limitCreate: Schema = {
  type: 'array',
  items: {
    type: 'object',
    oneOf: (['project_id', 'domain_id'] as const).map((owner) => ({
      properties: limitCreateProperties(owner),
      required: [owner, 'service_id', 'resource_name', 'resource_limit'],
      additionalProperties: false,
    })),
  },
  minItems: 1,
}

export const limitUpdate: Schema = {
  type: 'object',
  properties: { resource_limit: limitValue, description },
  additionalProperties: false,
}

export const policyCreate: Schema = {
  type: 'object',
  properties: { blob: { type: 'string' }, type: { type: 'string', maxLength: 255 } },
  required: ['blob', 'type'],
  additionalProperties: true,
}

export const policyUpdate: Schema = {
  type: 'object',
  properties: { blob: { type: 'string' }, type: { type: 'string', maxLength: 255 } },
  minProperties: 1,
  additionalProperties: true,
}

export type LimitSchema = Schema
