/**
 * The `auth` object of `POST /v3/auth/tokens`, checked as keystone/auth/schema.py
 * `validate_issue_token_auth` does: jsonschema (draft 4) over `token_issue` through the shared
 * validator in ../resources/schema_validator.ts (keywords in schema order, the first failure
 * wins), then the "id or name must be present" checks.
 *
 * Messages are jsonschema's first line (`Invalid input for field 'scope': 5 is not of type
 * 'object', 'string'`); Keystone appends the schema and the instance, which Baton leaves out,
 * and a password that fails its type check is shown as `***`, never echoed.
 * @module
 */

import { ValidationError } from '../../errors.ts'
import { isObject } from '../py_values.ts'
import { type Hidden, type Schema, validate } from '../resources/schema_validator.ts'

const STRING: Schema = { type: 'string' }
const ID_NAME: Schema = { type: 'object', properties: { id: STRING, name: STRING } }

/** keystone/auth/schema.py `token_issue`, key order preserved. */
const TOKEN_ISSUE: Schema = {
  type: 'object',
  properties: {
    identity: {
      type: 'object',
      properties: {
        methods: { type: 'array', items: STRING },
        password: {
          type: 'object',
          properties: {
            user: {
              type: 'object',
              properties: { id: STRING, name: STRING, password: STRING, domain: ID_NAME },
            },
          },
        },
        token: { type: 'object', properties: { id: STRING }, required: ['id'] },
      },
      required: ['methods'],
    },
    scope: {
      type: ['object', 'string'],
      properties: {
        project: { type: 'object', properties: { name: STRING, id: STRING, domain: ID_NAME } },
        domain: ID_NAME,
        'OS-TRUST:trust': { type: 'object', properties: { id: STRING } },
        // parameter_types.boolean
        system: { type: 'object', properties: { all: { type: 'boolean', enum: [true, false] } } },
      },
    },
  },
  required: ['identity'],
}

/** Paths whose value must never appear in a message. */
const SECRET_PATHS: Hidden = new Set(['identity/password/user/password'])

function idOrName(value: unknown, field: string): void {
  if (isObject(value) && !Object.hasOwn(value, 'id') && !Object.hasOwn(value, 'name')) {
    throw new ValidationError(`Invalid input for field ${field}: id or name must be present.`)
  }
}

function member(value: unknown, key: string): unknown {
  return isObject(value) && Object.hasOwn(value, key) ? value[key] : undefined
}

/** keystone `validate_issue_token_auth`; `undefined` (no `auth` key) passes, as in Keystone. */
export function validateIssueTokenAuth(auth: unknown): void {
  if (auth === undefined || auth === null) return
  validate(TOKEN_ISSUE, auth, SECRET_PATHS)
  const user = member(member(member(auth, 'identity'), 'password'), 'user')
  if (user !== undefined) {
    idOrName(user, 'identity/password/user')
    idOrName(member(user, 'domain'), 'identity/password/user/domain')
  }
  const scope = member(auth, 'scope')
  const project = member(scope, 'project')
  if (project !== undefined) {
    idOrName(project, 'scope/project')
    idOrName(member(project, 'domain'), 'scope/project/domain')
  }
  idOrName(member(scope, 'domain'), 'scope/domain')
}
