/**
 * Minting a delegation token (Baton's payload version 64, docs/delegation.md): the project-scoped
 * mint of mint.ts for the delegation's user and project (the project and its domain enabled, the
 * user and its domain too, at least one role), then the delegation's own checks, recomputed on
 * every mint as a trust token's are:
 *   1. the delegation record exists and is the token's (same user, project and audit id);
 *   2. the user still holds every delegated role on the project (implied roles count), else the
 *      token no longer validates; the token's roles are the delegated ones alone;
 *   3. every actor of the chain still exists (enabled is the validation step's check).
 * Revocation (the record, its ancestors, the root user token) and the deadline are checked by the
 * validation steps on every call, cached or not (validation_steps.ts, revocation_check.ts).
 * @module
 */
import { DelegationNotFound, TokenNotFound, Unauthorized, UserNotFound } from '../../errors.ts'
import type { ScopeOf } from '../../scope.ts'
import type { Delegation, Store, User } from '../../store/index.ts'
import type { MintFields, TokenModel } from './token_model.ts'

type BaseMint = (store: Store, fields: MintFields) => Promise<TokenModel>

function invalid(reason: string): TokenNotFound {
  return new TokenNotFound(undefined, { cause: new Error(reason) })
}

async function lineageOf(store: Store, id: string): Promise<Delegation[]> {
  try {
    return await store.delegations.listLineage(id)
  } catch (error) {
    if (error instanceof DelegationNotFound) throw invalid(`no delegation ${id}`)
    throw error
  }
}

async function actorUsersOf(store: Store, delegation: Delegation): Promise<User[]> {
  try {
    return await Promise.all(delegation.actors.map((a) => store.identity.getUser(a.userId)))
  } catch (error) {
    if (error instanceof UserNotFound) throw invalid('an actor of the delegation is gone')
    throw error
  }
}

export async function mintDelegationToken(
  store: Store,
  fields: MintFields,
  scope: ScopeOf<'delegation'>,
  mintProject: BaseMint,
): Promise<TokenModel> {
  const [delegation, ...ancestors] = await lineageOf(store, scope.delegationId)
  if (
    delegation === undefined ||
    delegation.userId !== fields.userId ||
    delegation.projectId !== scope.projectId ||
    delegation.auditId !== fields.auditId
  ) {
    throw invalid('the token does not match its delegation')
  }
  const base = await mintProject(store, {
    ...fields,
    scope: { kind: 'project', projectId: scope.projectId },
    appCredId: null,
  })
  if (base.scope.kind !== 'project') throw invalid('the delegation lost its project scope')
  const held = new Set(base.roles.map((r) => r.id))
  const lost = delegation.roleIds.filter((id) => !held.has(id))
  if (lost.length > 0) {
    throw new Unauthorized(undefined, {
      cause: new Error(`user ${fields.userId} no longer holds delegated roles ${lost.join(', ')}`),
    })
  }
  const delegated = new Set(delegation.roleIds)
  const actorUsers = await actorUsersOf(store, delegation)
  return {
    ...base,
    scope: {
      kind: 'delegation',
      delegationId: delegation.id,
      projectId: scope.projectId,
      project: base.scope.project,
      projectDomain: base.scope.projectDomain,
    },
    roles: base.roles.filter((r) => delegated.has(r.id)),
    delegation: { delegation, ancestors, actorUsers },
  }
}
