/**
 * keystone/trust/schema.py `trust_create`, key for key and in Keystone's keyword order (it decides
 * which failure is reported). The parameter types are keystone/common/validation/parameter_types.py.
 * @module
 */
import type { Schema } from './schema_validator.ts'

const idString: Schema = { type: 'string', minLength: 1, maxLength: 64, pattern: '^[a-zA-Z0-9-]+$' }
const externalIdString: Schema = { type: 'string', minLength: 1, maxLength: 64 }
const name: Schema = { type: 'string', minLength: 1, maxLength: 255, pattern: '[\\S]+' }

export const trustCreate: Schema = {
  type: 'object',
  properties: {
    trustor_user_id: externalIdString,
    trustee_user_id: externalIdString,
    impersonation: { type: 'boolean', enum: [true, false] },
    project_id: { ...idString, type: ['string', 'null'] },
    remaining_uses: { type: ['integer', 'null'], minimum: 1 },
    expires_at: { type: ['null', 'string'] },
    allow_redelegation: { type: ['boolean', 'null'] },
    redelegation_count: { type: ['integer', 'null'], minimum: 0 },
    roles: {
      type: 'array',
      items: {
        type: 'object',
        properties: { id: idString, name },
        minProperties: 1,
        maxProperties: 1,
        additionalProperties: false,
      },
    },
  },
  required: ['trustor_user_id', 'trustee_user_id', 'impersonation'],
  additionalProperties: true,
}
