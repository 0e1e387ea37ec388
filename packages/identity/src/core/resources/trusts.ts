/**
 * Creating a trust as Keystone 22 does (keystone/api/trusts.py TrustResource.post and
 * keystone/trust/core.py create_trust), after the route has enforced `identity:create_trust` and
 * validated the body: delegated tokens refused, the caller must be the trustor, the trustee must
 * exist, roles (by ID or unique name) must all be the trustor's effective roles on the project,
 * `expires_at` in the future, and the redelegation rules against `[trust] max_redelegation_count`.
 * A trust-scoped caller redelegates its own trust (`redelegationSource`, as `redelegatedFrom`).
 * @module
 */
import { randomUUID } from 'node:crypto'
import type { Config } from '@baton/config'
import { RoleNotFound, ValidationError } from '../../errors.ts'
import { trustEscalationOptions, trustOptions } from '../../options.ts'
import type { JsonObject, JsonValue, Micros, Store, Trust } from '../../store/index.ts'
import { authSettings } from '../auth/auth_settings.ts'
import type { Caller } from '../caller.ts'
import { forbiddenAction, parseExpiration } from './application_credentials.ts'
import { listRoleAssignments } from './role_assignments.ts'
import { roleIdsOf } from './role_references.ts'
import { getTrust, securityForbidden, trustPedigree, validateRedelegation } from './trust_chain.ts'

export interface TrustSettings {
  /** `[trust] max_redelegation_count`. */
  readonly maxRedelegationCount: number
  /** Built-in primary auth methods plus `[auth] additional_primary_auth_methods`. */
  readonly primaryMethods: ReadonlySet<string>
  /** `[security_compliance] allow_insecure_application_credential_trust_escalation`. */
  readonly allowApplicationCredentials: boolean
}

export function trustSettings(config: Config): TrustSettings {
  return {
    maxRedelegationCount: config.get(trustOptions).max_redelegation_count,
    primaryMethods: authSettings(config).primaryMethods,
    allowApplicationCredentials:
      config.get(trustEscalationOptions).allow_insecure_application_credential_trust_escalation,
  }
}

/**
 * `_check_delegated_token`: a token from a delegated method (application credential, EC2,
 * OAuth1; or with no methods at all) may not read or manage trusts.
 */
export function assertNotDelegated(caller: Caller, settings: TrustSettings): void {
  // Baton: a delegation token is bound to its job; a trust would outlive and widen it
  if (caller.scope.kind === 'delegation')
    throw forbiddenAction('Delegated tokens cannot manage trusts')
  const delegated =
    caller.methods.length === 0 || caller.methods.some((m) => !settings.primaryMethods.has(m))
  if (!delegated) return
  if (caller.methods.includes('application_credential') && settings.allowApplicationCredentials) {
    return
  }
  throw forbiddenAction('Delegated tokens cannot manage trusts')
}

/**
 * `_find_redelegated_trust`: a trust-scoped caller's trust, which the new trust redelegates
 * (`get_trust`: gone, expired or used up is TrustNotFound, 404); undefined for other callers.
 */
export async function redelegationSource(
  store: Store,
  caller: Caller,
  settings: TrustSettings,
): Promise<Trust | undefined> {
  if (caller.scope.kind !== 'trust') return undefined
  return getTrust(store, caller.scope.trustId, settings.maxRedelegationCount)
}

/** The body members the trust table holds as columns, or that the API computes itself. */
const NOT_EXTRA = new Set([
  'id',
  'trustor_user_id',
  'trustee_user_id',
  'project_id',
  'impersonation',
  'expires_at',
  'expires_at_int',
  'remaining_uses',
  'deleted_at',
  'redelegated_trust_id',
  'redelegation_count',
  'allow_redelegation',
  'roles',
  'extra',
])

export interface CreateTrustInput {
  readonly caller: Caller
  /** The `trust` member, already checked against `trustCreate`. */
  readonly body: Record<string, unknown>
  readonly settings: TrustSettings
  readonly nowMs: number
  /** The caller's own trust when its token is trust-scoped (redelegation), else undefined. */
  readonly redelegatedFrom?: Trust | undefined
}

export async function createTrust(store: Store, input: CreateTrustInput): Promise<Trust> {
  const { caller, body, settings } = input
  assertNotDelegated(caller, settings)
  const projectId =
    typeof body.project_id === 'string' && body.project_id !== '' ? body.project_id : null
  const requestedRoles = Array.isArray(body.roles) ? body.roles : []
  if (projectId !== null && requestedRoles.length === 0) {
    throw forbiddenAction('At least one role should be specified')
  }
  if (caller.userId !== body.trustor_user_id) {
    throw forbiddenAction('The authenticated user should match the trustor')
  }
  const trusteeUserId = String(body.trustee_user_id)
  await store.identity.getUser(trusteeUserId)
  const roleIds = await roleIdsOf(store, requestedRoles)
  await requireTrustorRoles(store, caller.userId, projectId, roleIds, input.redelegatedFrom)
  let expiresAt: Micros | null =
    typeof body.expires_at === 'string' ? parseExpiration(body.expires_at, input.nowMs) : null
  const remainingUses = typeof body.remaining_uses === 'number' ? body.remaining_uses : null
  const impersonation = body.impersonation === true

  // keystone/trust/core.py create_trust; `undefined` is "not in the dict yet" (setdefault)
  const max = settings.maxRedelegationCount
  const requested = typeof body.redelegation_count === 'number' ? body.redelegation_count : null
  const redelegatable = body.allow_redelegation === true && requested !== 0
  let redelegationCount: number | null | undefined
  if (!redelegatable) {
    redelegationCount = 0
    if (remainingUses !== null && remainingUses <= 0) {
      throw new ValidationError('remaining_uses must be a positive integer or null.')
    }
  } else {
    if (requested !== null && requested > max) {
      throw securityForbidden(
        `Requested redelegation depth of ${requested} is greater than allowed ${max}`,
      )
    }
    if (remainingUses !== null) {
      throw new ValidationError('remaining_uses must not be set if redelegation is allowed')
    }
    redelegationCount = Object.hasOwn(body, 'redelegation_count') ? requested : undefined
  }
  const parent = input.redelegatedFrom
  if (parent !== undefined) {
    const remaining = (parent.redelegationCount ?? 0) - 1
    if (redelegatable && requested && requested !== remaining) {
      throw securityForbidden(
        'Modifying "redelegation_count" upon redelegation is forbidden. Omitting this ' +
          'parameter is advised.',
      )
    }
    if (redelegationCount === undefined) redelegationCount = remaining
    for (const ancestor of await trustPedigree(store, parent.id)) {
      expiresAt = validateRedelegation(
        ancestor,
        { expiresAt, remainingUses, impersonation, roleIds },
        max,
      )
    }
  }
  redelegationCount = redelegationCount === undefined ? max : redelegationCount
  return store.trusts.create({
    id: randomUUID().replaceAll('-', ''),
    trustorUserId: caller.userId,
    trusteeUserId,
    projectId,
    impersonation,
    expiresAt,
    remainingUses,
    redelegatedTrustId: parent?.id ?? null,
    redelegationCount,
    extra: extraOf(body),
    roleIds,
  })
}

/** `TrustModel.from_dict`: members that are not columns go to `extra`, echoed when rendered. */
function extraOf(body: Record<string, unknown>): JsonObject {
  const extra: JsonObject = {}
  for (const [key, value] of Object.entries(body)) {
    if (!NOT_EXTRA.has(key)) extra[key] = value as JsonValue
  }
  return extra
}

/**
 * `_require_trustor_has_role_in_project`: the (original) trustor's effective roles on the
 * project, domain-specific roles included; no project means no roles. A role missing there is
 * Keystone's RoleNotFound (404), whether it exists or not.
 */
async function requireTrustorRoles(
  store: Store,
  trustorId: string,
  projectId: string | null,
  roleIds: readonly string[],
  redelegatedFrom: Trust | undefined,
): Promise<void> {
  let held = new Set<string>()
  if (projectId !== null) {
    await store.resource.getProject(projectId)
    const chain = redelegatedFrom ? await trustPedigree(store, redelegatedFrom.id) : []
    const original = chain.at(-1)
    const refs = await listRoleAssignments(store, {
      userId: original?.trustorUserId ?? trustorId,
      projectId: original?.projectId ?? projectId,
      effective: true,
    })
    held = new Set(refs.map((r) => r.role_id))
  }
  const missing = roleIds.find((id) => !held.has(id))
  if (missing !== undefined) throw new RoleNotFound(`Could not find role: ${missing}.`)
}
