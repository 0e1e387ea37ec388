/**
 * Keystone 22's request body schemas, key for key and in the same keyword order (it decides
 * which failure is reported): keystone/common/validation/parameter_types.py,
 * keystone/{resource,identity,assignment,catalog,application_credential}/schema.py and the
 * resource-option registries (`options` objects reject unknown option names).
 * @module
 */
import { boolean, idString, name, roleReferences } from './parameter_types.ts'
import type { JsonType, Schema } from './schema_validator.ts'

/** keystone.common.validation.nullable: adds 'null' to the type and None to an enum. */
function nullable(schema: Schema): Schema {
  const type = schema.type === undefined ? [] : [schema.type].flat()
  const out: Schema = { ...schema, type: [...type, 'null'] as JsonType[] }
  return schema.enum ? { ...out, enum: [...schema.enum, null] } : out
}

// parameter_types.py
const description: Schema = { type: 'string' }
const url: Schema = { type: 'string', minLength: 0, maxLength: 225, pattern: '^[a-zA-Z0-9+.-]+:.+' }

/** ResourceOptionRegistry.json_schema: every option nullable, nothing else allowed. */
function options(properties: Record<string, Schema>): Schema {
  const props: Record<string, Schema> = {}
  for (const [key, schema] of Object.entries(properties)) props[key] = nullable(schema)
  return { type: 'object', properties: props, additionalProperties: false }
}

const immutableOptions = options({ immutable: boolean })

export const userOptionsSchema = options({
  ignore_change_password_upon_first_use: boolean,
  ignore_password_expiry: boolean,
  ignore_lockout_failure_attempts: boolean,
  lock_password: boolean,
  ignore_user_inactivity: boolean,
  multi_factor_auth_rules: {
    type: 'array',
    items: { type: 'array', items: { type: 'string' }, minItems: 1, uniqueItems: true },
    uniqueItems: true,
  },
  multi_factor_auth_enabled: boolean,
})

// keystone/resource/schema.py
const projectName: Schema = { type: 'string', minLength: 1, maxLength: 64, pattern: '[\\S]+' }
export const projectTagSchema: Schema = {
  type: 'string',
  minLength: 1,
  maxLength: 255,
  pattern: '^[^,/]*$',
}
export const projectTagsSchema: Schema = {
  type: 'array',
  items: projectTagSchema,
  maxItems: 80,
  uniqueItems: true,
}
const projectProperties: Record<string, Schema> = {
  description: nullable(description),
  domain_id: nullable(idString),
  enabled: boolean,
  is_domain: boolean,
  parent_id: nullable(idString),
  name: projectName,
  tags: projectTagsSchema,
  options: immutableOptions,
}
export const projectCreate: Schema = {
  type: 'object',
  properties: projectProperties,
  required: ['name'],
  additionalProperties: true,
}
export const projectUpdate: Schema = {
  type: 'object',
  properties: projectProperties,
  minProperties: 1,
  additionalProperties: true,
}
const domainProperties: Record<string, Schema> = {
  description: nullable(description),
  enabled: boolean,
  name: projectName,
  tags: projectTagsSchema,
}
export const domainCreate: Schema = {
  type: 'object',
  properties: domainProperties,
  required: ['name'],
  additionalProperties: true,
}
export const domainUpdate: Schema = {
  type: 'object',
  properties: domainProperties,
  minProperties: 1,
  additionalProperties: true,
}

// keystone/identity/schema.py
const identityName: Schema = { type: 'string', minLength: 1, maxLength: 255, pattern: '[\\S]+' }
const userProperties: Record<string, Schema> = {
  default_project_id: nullable(idString),
  description: nullable(description),
  domain_id: idString,
  enabled: boolean,
  federated: {
    type: 'array',
    items: {
      type: 'object',
      properties: {
        idp_id: { type: 'string' },
        protocols: {
          type: 'array',
          items: {
            type: 'object',
            properties: { protocol_id: { type: 'string' }, unique_id: { type: 'string' } },
            required: ['protocol_id', 'unique_id'],
          },
          minItems: 1,
        },
      },
      required: ['idp_id', 'protocols'],
    },
  },
  name: identityName,
  password: { type: ['string', 'null'] },
  options: userOptionsSchema,
}
export const userCreate: Schema = {
  type: 'object',
  properties: userProperties,
  required: ['name'],
  additionalProperties: true,
}
export const userUpdate: Schema = {
  type: 'object',
  properties: userProperties,
  minProperties: 1,
  additionalProperties: true,
}
const groupProperties: Record<string, Schema> = {
  description: nullable(description),
  domain_id: idString,
  name: identityName,
}
export const groupCreate: Schema = {
  type: 'object',
  properties: groupProperties,
  required: ['name'],
  additionalProperties: true,
}
export const groupUpdate: Schema = {
  type: 'object',
  properties: groupProperties,
  minProperties: 1,
  additionalProperties: true,
}
/** password_change (no maxLength/pattern: strict_password_check and password_regex are off). */
export const passwordChange: Schema = {
  type: 'object',
  properties: { original_password: { type: 'string' }, password: { type: 'string' } },
  required: ['original_password', 'password'],
  additionalProperties: false,
}

// keystone/assignment/schema.py
const roleProperties: Record<string, Schema> = {
  name,
  description,
  options: immutableOptions,
}
export const roleCreate: Schema = {
  type: 'object',
  properties: roleProperties,
  required: ['name'],
  additionalProperties: true,
}
export const roleUpdate: Schema = {
  type: 'object',
  properties: roleProperties,
  minProperties: 1,
  additionalProperties: true,
}

// keystone/catalog/schema.py
const regionProperties: Record<string, Schema> = {
  description: nullable(description),
  id: { type: 'string' },
  parent_region_id: { type: ['string', 'null'] },
}
export const regionCreate: Schema = {
  type: 'object',
  properties: regionProperties,
  additionalProperties: true,
}
export const regionUpdate: Schema = {
  type: 'object',
  properties: regionProperties,
  minProperties: 1,
  additionalProperties: true,
}
const serviceProperties: Record<string, Schema> = {
  enabled: boolean,
  name,
  type: { type: 'string', minLength: 1, maxLength: 255 },
}
export const serviceCreate: Schema = {
  type: 'object',
  properties: serviceProperties,
  required: ['type'],
  additionalProperties: true,
}
export const serviceUpdate: Schema = {
  type: 'object',
  properties: serviceProperties,
  minProperties: 1,
  additionalProperties: true,
}
const endpointProperties: Record<string, Schema> = {
  enabled: boolean,
  interface: { type: 'string', enum: ['admin', 'internal', 'public'] },
  region_id: { type: 'string' },
  region: { type: 'string' },
  service_id: { type: 'string' },
  url,
}
export const endpointCreate: Schema = {
  type: 'object',
  properties: endpointProperties,
  required: ['interface', 'service_id', 'url'],
  additionalProperties: true,
}
export const endpointUpdate: Schema = {
  type: 'object',
  properties: endpointProperties,
  minProperties: 1,
  additionalProperties: true,
}

// keystone/application_credential/schema.py
export const applicationCredentialCreate: Schema = {
  type: 'object',
  properties: {
    name,
    description: nullable(description),
    secret: { type: ['null', 'string'] },
    expires_at: { type: ['null', 'string'] },
    roles: roleReferences,
    unrestricted: boolean,
    access_rules: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          path: { type: 'string', minLength: 0, maxLength: 225, pattern: '^\\/.*' },
          method: { type: 'string', pattern: '^(POST|GET|HEAD|PATCH|PUT|DELETE)$' },
          service: idString,
          id: idString,
        },
        additionalProperties: false,
      },
    },
  },
  required: ['name'],
  additionalProperties: true,
}
