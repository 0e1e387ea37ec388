/**
 * Minting a trust-scoped token (payload version 3): keystone `TokenModel.mint()` for
 * `trust_scoped`, in Keystone's order:
 *   1. the trust is live (deleted, or expired (checked by the service): TrustNotFound, 404 at validation; the auth path
 *      already answered 401 before issuing) and its redelegation chain still holds (403);
 *   2. `_validate_token_resources`: the trust's project and its domain are enabled;
 *   3. `_validate_token_user`: the token's user is the trustee ("User is not a trustee.", 403),
 *      the trustor's and trustee's domains are enabled (TokenNotFound), the trustor is enabled
 *      (403), the user's domain is enabled;
 *   4. `_validate_trust_scope` / `_get_trust_roles`: the original trustor still holds every
 *      delegated role and the roles they imply on the project (403 "Trustee has no delegated
 *      roles." otherwise).
 * A used-up trust does not end the tokens already issued from it: Keystone keeps the token it
 * issued in its cache (`cache_on_issue`, on by default), so its validation never re-reads the
 * spent trust; Baton checks deletion and expiry only, on every validation (validation_steps.ts).
 * A trust that delegates no project is refused (401 at issue): Keystone cannot render its token.
 * @module
 */
import {
  DomainNotFound,
  ProjectNotFound,
  TokenNotFound,
  TrustNotFound,
  Unauthorized,
} from '../../errors.ts'
import type { ScopeOf } from '../../scope.ts'
import type { Store, Trust } from '../../store/index.ts'
import { delegatedRoleIds, getTrust, securityForbidden } from '../resources/trust_chain.ts'
import type { MintFields, TokenModel } from './token_model.ts'

export interface TrustMintSettings {
  /** `[trust] max_redelegation_count`, to re-validate a redelegated trust's chain. */
  readonly maxRedelegationCount: number
}

export const DEFAULT_TRUST_MINT: TrustMintSettings = { maxRedelegationCount: 3 }

/**
 * The trust behind a token: not deleted, its chain valid; uses not counted. Expiry is the token
 * service's step (`checkTrustLive`, with its clock), run on every validation, cached or not.
 */
export async function trustOfToken(
  store: Store,
  trustId: string,
  settings: TrustMintSettings,
): Promise<Trust> {
  const trust = await store.trusts.get(trustId, { deleted: true })
  if (trust.deletedAt !== null) throw new TrustNotFound(`Could not find trust: ${trustId}.`)
  if (trust.redelegatedTrustId === null) return trust
  // a redelegated trust has no use count (validateRedelegation): the full lookup fits it
  return getTrust(store, trustId, settings.maxRedelegationCount)
}

export async function mintTrustToken(
  store: Store,
  fields: MintFields,
  scope: ScopeOf<'trust'>,
  settings: TrustMintSettings,
): Promise<TokenModel> {
  const trust = await trustOfToken(store, scope.trustId, settings)
  const projectId = trust.projectId
  if (projectId === null || (scope.projectId !== null && scope.projectId !== projectId)) {
    throw new Unauthorized(undefined, { cause: new Error('a trust without a project') })
  }
  const project = await store.resource.getProject(projectId)
  if (!project.enabled) {
    throw new ProjectNotFound(`Unable to validate token because project ${project.id} is disabled`)
  }
  if (project.domainId === null) throw new ProjectNotFound(`Could not find project: ${project.id}.`)
  const projectDomain = await store.resource.getDomain(project.domainId)
  if (!projectDomain.enabled) {
    throw new DomainNotFound(
      `Unable to validate token because domain ${projectDomain.id} is disabled`,
    )
  }

  const user = await store.identity.getUser(fields.userId)
  const trustor = await store.identity.getUser(trust.trustorUserId)
  const trustee = await store.identity.getUser(trust.trusteeUserId)
  if (user.id !== trustee.id) throw securityForbidden('User is not a trustee.')
  const trustorDomain = await store.resource.getDomain(trustor.domainId)
  if (!trustorDomain.enabled) throw new TokenNotFound('Trustor domain is disabled.')
  const trusteeDomain = await store.resource.getDomain(trustee.domainId)
  if (!trusteeDomain.enabled) throw new TokenNotFound('Trustee domain is disabled.')
  if (!trustor.enabled) throw securityForbidden('Trustor is disabled.')
  // the user is the trustee: its domain was just checked
  const userDomain = trusteeDomain

  const roleIds = await delegatedRoleIds(store, trust)
  const roles = await store.assignment.listRolesByIds(roleIds)
  roles.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))

  return {
    user,
    userDomain,
    methods: fields.methods,
    auditId: fields.auditId,
    parentAuditId: fields.parentAuditId,
    expiresAt: fields.expiresAt,
    issuedAt: fields.issuedAt,
    scope: { kind: 'trust', trustId: trust.id, projectId, project, projectDomain },
    roles: roles.map((role) => ({ id: role.id, name: role.name })),
    applicationCredential: null,
    trust: { trust, trustor, trustorDomain, trustee, roles },
  }
}
