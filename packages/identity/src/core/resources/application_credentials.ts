/**
 * Application credentials under /v3/users/{id}/application_credentials (keystone/api/users.py
 * UserAppCred*, keystone/application_credential/core.py and backends/sql.py): only for the
 * caller's own user, never from a restricted application-credential token, roles a subset of the
 * token's (default: all of them) that the user still holds on the project, a secret generated
 * when none is given and returned once, `expires_at` in the future.
 * @module
 */

import { randomBytes, randomUUID } from 'node:crypto'
import { Forbidden, ValidationError } from '../../errors.ts'
import type { Micros, RequestedAccessRule, Store } from '../../store/index.ts'
import { parseIsoTime } from '../../store/index.ts'
import { BUILTIN_PRIMARY_METHODS } from '../auth/auth_settings.ts'
import type { Caller } from '../caller.ts'
import { isObject } from '../py_values.ts'
import { listRoleAssignments } from './role_assignments.ts'
import { roleIdsOf } from './role_references.ts'

/** keystone ForbiddenAction's message (Keystone's actions end with a period of their own). */
export function forbiddenAction(action: string): Forbidden {
  return new Forbidden(`You are not authorized to perform the requested action: ${action}.`)
}

/**
 * keystone/api/users.py `_block_delegated_token_app_creds` (Keystone 22, LP#2159643): a token
 * scoped to a trust, or from a delegated method (`ec2credential` from /v3/ec2tokens or
 * /v3/s3tokens, `oauth1`, none at all: a method outside `primaryMethods`), may not create,
 * list, read or delete application credentials or access rules: a credential would outlive the
 * delegation; nor may Baton's delegation tokens (a credential would outlive the job).
 * Application-credential tokens pass here; `assertUnrestricted` decides for them. Keystone's
 * Forbidden hides its reason.
 */
export function assertNotDelegated(
  caller: Caller,
  primaryMethods: ReadonlySet<string> = new Set(BUILTIN_PRIMARY_METHODS),
): void {
  const { methods } = caller
  // checked first: a delegation made from an application credential's token keeps its methods
  const scoped = caller.scope.kind === 'trust' || caller.scope.kind === 'delegation'
  if (!scoped && methods.includes('application_credential')) return
  const delegated = methods.length === 0 || !methods.every((m) => primaryMethods.has(m))
  if (!delegated && !scoped) return
  throw new Forbidden(undefined, {
    cause: new Error('Cannot manage application credentials with a token issued via delegation.'),
  })
}

/** `_check_unrestricted_application_credential`. */
export async function assertUnrestricted(store: Store, caller: Caller): Promise<void> {
  if (!caller.methods.includes('application_credential')) return
  const id = caller.applicationCredentialId
  const current = id === undefined ? undefined : await store.applicationCredentials.get(id)
  if (!current?.unrestricted) {
    throw forbiddenAction(
      "Using method 'application_credential' is not allowed for managing additional " +
        'application credentials.',
    )
  }
}

/** `_generate_secret`: 64 random bytes, URL-safe base64 without padding. */
export function generateSecret(): string {
  return randomBytes(64).toString('base64url')
}

function invalid(detail: string): ValidationError {
  return new ValidationError(`Invalid application credential: ${detail}`)
}

/** `parse_expiration_date`: a `Z` is appended unless present; past dates are refused. */
export function parseExpiration(value: string, nowMs: number): Micros {
  const parsed = parseIsoTime(value.endsWith('Z') ? value : `${value}Z`)
  if (parsed === undefined) {
    throw new ValidationError(
      'Timestamp not in expected format. The server could not comply with the request since ' +
        'it is either malformed or otherwise incorrect. The client is assumed to be in error.',
    )
  }
  if (parsed < nowMs * 1000) {
    throw new ValidationError(
      "The 'expires_at' must not be before now. The server could not comply with the request " +
        'since it is either malformed or otherwise incorrect. The client is assumed to be in error.',
    )
  }
  return parsed
}

/** `_get_roles`: the requested roles (by id, or unique name) must all be on the token. */
export async function resolveRoles(
  store: Store,
  caller: Caller,
  requested: unknown,
): Promise<string[]> {
  if (!Array.isArray(requested) || requested.length === 0) return [...caller.roleIds]
  const ids = await roleIdsOf(store, requested)
  const held = new Set(caller.roleIds)
  if (ids.some((id) => !held.has(id))) {
    throw invalid('Cannot create an application credential with unassigned role')
  }
  return ids
}

/** `_require_user_has_role_in_project`, reported as Keystone's API reports it (400). */
export async function assertRolesHeld(
  store: Store,
  userId: string,
  projectId: string | null,
  roleIds: readonly string[],
): Promise<void> {
  const refs = await listRoleAssignments(store, {
    userId,
    ...(projectId === null ? {} : { projectId }),
    effective: true,
  })
  const held = new Set(refs.map((r) => r.role_id))
  const missing = roleIds.find((id) => !held.has(id))
  if (missing !== undefined) {
    throw invalid(
      `Could not find role assignment with role: ${missing}, user or group: ${userId}, ` +
        `project, domain, or system: ${String(projectId)}.`,
    )
  }
}

const MODEL_COLUMNS = new Set([
  'internal_id',
  'id',
  'name',
  'secret',
  'secret_hash',
  'description',
  'user_id',
  'project_id',
  'system',
  'expires_at',
  'unrestricted',
  'roles',
  'access_rules',
])

/** The model takes no extra attributes: SQLAlchemy's TypeError, which Keystone makes a 400. */
export function assertNoExtras(body: Record<string, unknown>): void {
  const extra = Object.keys(body).find((key) => !MODEL_COLUMNS.has(key))
  if (extra !== undefined) {
    throw new ValidationError(
      `'${extra}' is an invalid keyword argument for ApplicationCredentialModel`,
    )
  }
}

/**
 * The body's `access_rules` (already schema-checked): a rule without an ID gets a fresh one,
 * which the store ignores when the user already has an identical rule.
 */
export function requestedAccessRules(value: unknown): RequestedAccessRule[] {
  if (!Array.isArray(value)) return []
  return value.filter(isObject).map((rule) => ({
    id: typeof rule.id === 'string' ? rule.id : randomUUID().replaceAll('-', ''),
    service: typeof rule.service === 'string' ? rule.service : undefined,
    path: typeof rule.path === 'string' ? rule.path : undefined,
    method: typeof rule.method === 'string' ? rule.method : undefined,
  }))
}
