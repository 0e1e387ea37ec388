/**
 * The `auth` object of `POST /v3/auth/tokens`, checked as keystone/auth/schema.py
 * `validate_issue_token_auth` does: jsonschema (draft 4) over `token_issue`, keywords in schema
 * order and the first failure wins, then the "id or name must be present" checks.
 *
 * Messages are jsonschema's first line (`Invalid input for field 'scope': 5 is not of type
 * 'object', 'string'`); Keystone appends the schema and the instance, which Baton leaves out,
 * and a password that fails its type check is shown as `***`, never echoed.
 * @module
 */
import { ValidationError } from '../../errors.ts'
import { pyRepr, pyStr } from './py_repr.ts'

type JsonType = 'string' | 'boolean' | 'object' | 'array'

type Schema = {
  readonly type?: JsonType | readonly JsonType[]
  readonly enum?: readonly unknown[]
  readonly properties?: Readonly<Record<string, Schema>>
  readonly items?: Schema
  readonly required?: readonly string[]
}

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
const SECRET_PATHS = new Set(['identity/password/user/password'])

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isType(value: unknown, type: JsonType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string'
    case 'boolean':
      return typeof value === 'boolean'
    case 'array':
      return Array.isArray(value)
    case 'object':
      return isObject(value)
  }
}

type Failure = { readonly path: string; readonly message: string }

function check(schema: Schema, value: unknown, path: string[]): Failure | undefined {
  const at = path.join('/')
  const shown = () => (SECRET_PATHS.has(at) ? '***' : pyRepr(value))
  for (const keyword of Object.keys(schema) as (keyof Schema)[]) {
    if (keyword === 'type' && schema.type !== undefined) {
      const types = typeof schema.type === 'string' ? [schema.type] : schema.type
      if (!types.some((type) => isType(value, type))) {
        const names = types.map((type) => pyStr(type)).join(', ')
        return { path: at, message: `${shown()} is not of type ${names}` }
      }
    } else if (keyword === 'enum' && schema.enum !== undefined) {
      if (!schema.enum.includes(value)) {
        return { path: at, message: `${shown()} is not one of ${pyRepr(schema.enum)}` }
      }
    } else if (keyword === 'properties' && schema.properties !== undefined && isObject(value)) {
      for (const [name, sub] of Object.entries(schema.properties)) {
        if (!Object.hasOwn(value, name)) continue
        const failure = check(sub, value[name], [...path, name])
        if (failure !== undefined) return failure
      }
    } else if (keyword === 'items' && schema.items !== undefined && Array.isArray(value)) {
      for (const [index, item] of value.entries()) {
        const failure = check(schema.items, item, [...path, String(index)])
        if (failure !== undefined) return failure
      }
    } else if (keyword === 'required' && schema.required !== undefined && isObject(value)) {
      const missing = schema.required.find((name) => !Object.hasOwn(value, name))
      if (missing !== undefined) {
        return { path: at, message: `${pyStr(missing)} is a required property` }
      }
    }
  }
  return undefined
}

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
  const failure = check(TOKEN_ISSUE, auth, [])
  if (failure !== undefined) {
    throw new ValidationError(
      failure.path === ''
        ? failure.message
        : `Invalid input for field '${failure.path}': ${failure.message}`,
    )
  }
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
