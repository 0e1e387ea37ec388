/**
 * What Keystone's trust manager does around one stored trust (keystone/trust/core.py,
 * keystone/models/token_model.py `_get_trust_roles`): the redelegation pedigree and its rules,
 * `get_trust` with the chain re-validated, deletion with every redelegated child and a `trust_id`
 * revocation event per trust (keystone/revoke/core.py `_trust_callback`), the hooks for a deleted
 * user or project, and the roles a trust still delegates (the token side's check that the
 * trustor has not lost a delegated role: Keystone writes nothing when a grant goes, it re-checks
 * at every validation). Callers pass the transaction-bound store for writes.
 * @module
 */
import { Forbidden } from '../../errors.ts'
import type { Micros, Store, Trust } from '../../store/index.ts'
import { listRoleAssignments } from './role_assignments.ts'

/**
 * Keystone raises these as plain Forbidden, a SecurityError: the client sees only the generic
 * message (unless insecure_debug); the reason stays on the error's cause for the logs.
 */
export function securityForbidden(reason: string): Forbidden {
  return new Forbidden(undefined, { cause: new Error(reason) })
}

/** The trust and its ancestors, the trust first and the original (trustor's own) trust last. */
export async function trustPedigree(store: Store, trustId: string): Promise<Trust[]> {
  const chain: Trust[] = [await store.trusts.get(trustId)]
  const seen = new Set([trustId])
  for (let t = chain[0]; t?.redelegatedTrustId; t = chain.at(-1)) {
    // a cycle cannot be created through the API; stop rather than loop on corrupt data
    if (seen.has(t.redelegatedTrustId)) break
    seen.add(t.redelegatedTrustId)
    chain.push(await store.trusts.get(t.redelegatedTrustId))
  }
  return chain
}

export interface RedelegationRequest {
  readonly expiresAt: Micros | null
  readonly remainingUses: number | null
  readonly impersonation: boolean
  readonly roleIds: readonly string[]
}

/**
 * `_validate_redelegation(parent, child)`: returns the child's expiry (the parent's when the
 * child has none). Keystone crashes (500) on a parent without expiry or count; here a missing
 * expiry is "never" and a missing count is 0.
 */
export function validateRedelegation(
  parent: Trust,
  child: RedelegationRequest,
  maxRedelegationCount: number,
): Micros | null {
  const depth = parent.redelegationCount ?? 0
  if (!(depth > 0 && depth <= maxRedelegationCount)) {
    throw securityForbidden(
      `Remaining redelegation depth of ${depth} out of allowed range of ` +
        `[0..${maxRedelegationCount}]`,
    )
  }
  if (child.remainingUses !== null) {
    // Keystone passes the value as a keyword its message never formats
    throw securityForbidden(
      'Field "remaining_uses" is set to %(value)s while it must not be set in order to ' +
        'redelegate a trust',
    )
  }
  let expiresAt = child.expiresAt
  if (expiresAt === null) expiresAt = parent.expiresAt
  else if (parent.expiresAt !== null && parent.expiresAt < expiresAt) {
    throw securityForbidden('Requested expiration time is more than redelegated trust can provide')
  }
  const parentRoles = new Set(parent.roleIds)
  if (!child.roleIds.every((id) => parentRoles.has(id))) {
    throw securityForbidden('Some of requested roles are not in redelegated trust')
  }
  if (!parent.impersonation && child.impersonation) {
    throw securityForbidden(
      'Impersonation is not allowed because redelegated trust does not specify ' +
        `impersonation. Redelegated trust id: ${parent.id}`,
    )
  }
  return expiresAt
}

/**
 * The trust manager's `get_trust`: the store's checks (deleted, expired, used up: 404), then, for
 * a redelegated trust, every link of the chain re-validated and every intermediate trustee
 * enabled (403 otherwise).
 */
export async function getTrust(
  store: Store,
  trustId: string,
  maxRedelegationCount: number,
): Promise<Trust> {
  const trust = await store.trusts.get(trustId)
  if (trust.redelegatedTrustId === null) return trust
  const chain = await trustPedigree(store, trustId)
  for (let i = 1; i < chain.length; i++) {
    const parent = chain[i] as Trust
    validateRedelegation(parent, chain[i - 1] as Trust, maxRedelegationCount)
    const trustee = await store.identity.getUser(parent.trusteeUserId).catch(() => undefined)
    if (!trustee?.enabled) throw securityForbidden('One of the trust agents is disabled or deleted')
  }
  return trust
}

/**
 * `delete_trust`: the trust's live redelegated children first (recursively), then the trust;
 * each records Keystone's `trust_id` revocation event. TrustNotFound when the ID matches no row.
 * Keystone looks for children among the parent trustor's own trusts only, so a child made by a
 * non-impersonating trustee is left live (dead in practice: its chain no longer resolves) and
 * without an event; here every child goes, with its event.
 */
export async function deleteTrust(store: Store, trustId: string): Promise<void> {
  await store.trusts.get(trustId, { deleted: true })
  for (const child of await store.trusts.list({ redelegatedTrustId: trustId })) {
    if (child.id !== trustId) await deleteTrust(store, child.id)
  }
  await store.trusts.softDelete(trustId)
  await store.revocation.record({ trustId })
}

/**
 * Keystone's user-deleted callback: the user's trusts (as trustor or trustee) are soft-deleted
 * without events of their own (the user's revocation event already covers their tokens).
 */
export async function deleteTrustsForUser(store: Store, userId: string): Promise<void> {
  await store.trusts.softDeleteForUser(userId)
}

/** `delete_trusts_for_project`, beside the project's own revocation event. */
export async function deleteTrustsForProject(store: Store, projectId: string): Promise<void> {
  await store.trusts.softDeleteForProject(projectId)
}

/**
 * `_get_trust_roles`: the trust's roles and those they imply, each still an effective role of
 * the original trustor on the project; one lost role is Forbidden ("Trustee has no delegated
 * roles."). Returns the role IDs a trust-scoped token carries (global roles only).
 */
export async function delegatedRoleIds(store: Store, trust: Trust): Promise<string[]> {
  const chain = trust.redelegatedTrustId ? await trustPedigree(store, trust.id) : [trust]
  const trustorId = (chain.at(-1) as Trust).trustorUserId
  const implied = await impliedClosure(store, trust.roleIds)
  if (trust.projectId === null) {
    if (implied.length > 0) throw securityForbidden('Trustee has no delegated roles.')
    return []
  }
  await store.resource.getProject(trust.projectId)
  const held = new Set(
    (
      await listRoleAssignments(store, {
        userId: trustorId,
        projectId: trust.projectId,
        effective: true,
      })
    ).map((r) => r.role_id),
  )
  if (implied.some((id) => !held.has(id)))
    throw securityForbidden('Trustee has no delegated roles.')
  const roles = await store.assignment.listRolesByIds(implied)
  return roles.filter((r) => r.domainId === null).map((r) => r.id)
}

/** `add_implied_roles` over role IDs: the roles and everything they imply, transitively. */
async function impliedClosure(store: Store, roleIds: readonly string[]): Promise<string[]> {
  const out = new Set(roleIds)
  const pending = [...roleIds]
  for (let id = pending.pop(); id !== undefined; id = pending.pop()) {
    for (const rule of await store.assignment.listImpliedRoles(id)) {
      if (!out.has(rule.impliedRoleId)) {
        out.add(rule.impliedRoleId)
        pending.push(rule.impliedRoleId)
      }
    }
  }
  return [...out].sort()
}
