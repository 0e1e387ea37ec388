/**
 * keystone/common/validation/parameter_types.py: the field types Keystone's request schemas are
 * built from, declared once for every schema module here.
 * @module
 */
import type { Schema } from './schema_validator.ts'

export const boolean: Schema = { type: 'boolean', enum: [true, false] }
export const name: Schema = { type: 'string', minLength: 1, maxLength: 255, pattern: '[\\S]+' }
export const idString: Schema = {
  type: 'string',
  minLength: 1,
  maxLength: 64,
  pattern: '^[a-zA-Z0-9-]+$',
}

/** A list of role references, each `{"id": ...}` or `{"name": ...}` (application credentials, trusts). */
export const roleReferences: Schema = {
  type: 'array',
  items: {
    type: 'object',
    properties: { id: idString, name },
    minProperties: 1,
    maxProperties: 1,
    additionalProperties: false,
  },
}
