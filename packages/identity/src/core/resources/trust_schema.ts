/**
 * keystone/trust/schema.py `trust_create`, key for key and in Keystone's keyword order (it decides
 * which failure is reported). The parameter types are keystone/common/validation/parameter_types.py.
 * @module
 */
import { boolean, idString, roleReferences } from './parameter_types.ts'
import type { Schema } from './schema_validator.ts'

const externalIdString: Schema = { type: 'string', minLength: 1, maxLength: 64 }

export const trustCreate: Schema = {
  type: 'object',
  properties: {
    trustor_user_id: externalIdString,
    trustee_user_id: externalIdString,
    impersonation: boolean,
    project_id: { ...idString, type: ['string', 'null'] },
    remaining_uses: { type: ['integer', 'null'], minimum: 1 },
    expires_at: { type: ['null', 'string'] },
    allow_redelegation: { type: ['boolean', 'null'] },
    redelegation_count: { type: ['integer', 'null'], minimum: 0 },
    roles: roleReferences,
  },
  required: ['trustor_user_id', 'trustee_user_id', 'impersonation'],
  additionalProperties: true,
}
