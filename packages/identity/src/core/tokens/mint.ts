/**
 * keystone `TokenModel.mint()` (keystone/models/token_model.py): turns the fields a Fernet
 * payload carries into a `TokenModel`, loading the user, scope and roles and running Keystone's
 * checks in Keystone's order:
 *   1. the project exists and is enabled (ProjectNotFound), its domain too (DomainNotFound);
 *   2. the user exists (UserNotFound) and its domain is enabled (DomainNotFound);
 *   3. a system, domain or project scope carries at least one effective role (Unauthorized,
 *      which validation turns into TokenNotFound and issue answers as a 401).
 * Baton adds one check Keystone 22 lacks: the domain of a domain-scoped token must be enabled
 * (Keystone only drops its token cache when a domain is disabled, so such tokens stay valid).
 *
 * The lookups run in two concurrent rounds (project, user, roles, app credential; then the
 * domains); the checks still apply in Keystone's order, so the error a client sees is Keystone's.
 * @module
 */
import {
  DomainNotFound,
  KeystoneError,
  ProjectNotFound,
  TokenNotFound,
  Unauthorized,
  UnexpectedError,
} from '../../errors.ts'
import { UNSCOPED } from '../../scope.ts'
import type {
  AccessToken,
  ApplicationCredential,
  Domain,
  EffectiveRole,
  Project,
  Store,
  User,
} from '../../store/index.ts'
import { mintDelegationToken } from './mint_delegation.ts'
import { DEFAULT_TRUST_MINT, mintTrustToken, type TrustMintSettings } from './mint_trust.ts'
import type { MintFields, ResolvedScope, TokenModel } from './token_model.ts'

type Settled<T> = PromiseSettledResult<T>

function value<T>(result: Settled<T>): T {
  if (result.status === 'fulfilled') return result.value
  throw result.reason instanceof KeystoneError
    ? result.reason
    : new UnexpectedError(undefined, { cause: result.reason })
}

function none<T>(): Promise<T | null> {
  return Promise.resolve(null)
}

function disabled(kind: 'project' | 'domain', id: string): Error {
  const text = `Unable to validate token because ${kind} ${id} is disabled`
  return kind === 'project' ? new ProjectNotFound(text) : new DomainNotFound(text)
}

/**
 * keystone `_get_application_credential_roles`: the credential's roles that the user still holds
 * on the project, in the credential's order.
 */
function applicationCredentialRoles(
  credential: ApplicationCredential,
  held: readonly EffectiveRole[],
): EffectiveRole[] {
  return credential.roleIds.flatMap((id) => held.filter((role) => role.id === id))
}

/**
 * keystone `_get_oauth_roles`: the access token's roles and the roles they imply (breadth first,
 * as `add_implied_roles` appends them), kept when the user still holds them on the project.
 */
async function oauthRoles(
  store: Store,
  accessToken: AccessToken,
  held: readonly EffectiveRole[],
): Promise<EffectiveRole[]> {
  const order: string[] = [...accessToken.roleIds]
  for (let i = 0; i < order.length; i++) {
    const prior = order[i] ?? ''
    for (const { impliedRoleId } of await store.assignment.listImpliedRoles(prior)) {
      if (!order.includes(impliedRoleId)) order.push(impliedRoleId)
    }
  }
  return order.flatMap((id) => held.filter((role) => role.id === id))
}

export async function mintToken(
  store: Store,
  fields: MintFields,
  trustSettings: TrustMintSettings = DEFAULT_TRUST_MINT,
): Promise<TokenModel> {
  const { scope } = fields
  if (scope.kind === 'trust') return mintTrustToken(store, fields, scope, trustSettings)
  if (scope.kind === 'delegation') {
    return mintDelegationToken(store, fields, scope, (s, f) => mintToken(s, f, trustSettings))
  }
  const projectId = scope.kind === 'project' ? scope.projectId : null
  const domainId = scope.kind === 'domain' ? scope.domainId : null
  const [projectR, userR, rolesR, appCredR, accessTokenR] = await Promise.allSettled([
    projectId === null ? none<Project>() : store.resource.getProject(projectId),
    store.identity.getUser(fields.userId),
    scope.kind === 'unscoped'
      ? Promise.resolve<EffectiveRole[]>([])
      : store.effectiveRoles.rolesFor(fields.userId, scope),
    fields.appCredId === null
      ? none<ApplicationCredential>()
      : store.applicationCredentials.get(fields.appCredId),
    fields.accessTokenId === null
      ? none<AccessToken>()
      : store.oauthTokens.getAccessToken(fields.accessTokenId),
  ])

  // keystone `_validate_token_resources`
  const project = value(projectR)
  if (project !== null && !project.enabled) throw disabled('project', project.id)
  if (project !== null && project.domainId === null) {
    // the project form of a domain: Keystone cannot mint it either
    throw new ProjectNotFound(`Could not find project: ${project.id}.`)
  }
  const user = userR.status === 'fulfilled' ? userR.value : null

  const domains = new Map<string, Promise<Domain>>()
  const domain = (id: string) => {
    let found = domains.get(id)
    if (found === undefined) {
      found = store.resource.getDomain(id)
      domains.set(id, found)
    }
    return found
  }
  const [projectDomainR, userDomainR, scopeDomainR] = await Promise.allSettled([
    project?.domainId ? domain(project.domainId) : none<Domain>(),
    user === null ? none<Domain>() : domain(user.domainId),
    domainId === null ? none<Domain>() : domain(domainId),
  ])
  const projectDomain = value(projectDomainR)
  if (projectDomain !== null && !projectDomain.enabled) throw disabled('domain', projectDomain.id)

  // keystone `_validate_token_user`
  const liveUser: User = value(userR)
  const userDomain = value(userDomainR)
  if (userDomain === null) throw new UnexpectedError('the user was found but not its domain')
  if (!userDomain.enabled) throw disabled('domain', userDomain.id)

  // Baton: a disabled domain ends its domain-scoped tokens.
  const scopeDomain = value(scopeDomainR)
  if (scopeDomain !== null && !scopeDomain.enabled) throw disabled('domain', scopeDomain.id)

  // keystone `TokenModel.roles`, then `_validate_{system,domain,project}_scope`
  const credential = value(appCredR)
  const held = value(rolesR)
  const accessToken = value(accessTokenR)
  let roles = held
  if (accessToken !== null && project !== null) {
    roles = await oauthRoles(store, accessToken, held)
  } else if (credential !== null && project !== null) {
    roles = applicationCredentialRoles(credential, held)
  }
  let resolved: ResolvedScope
  if (scope.kind === 'system') resolved = scope
  // Literals of a fixed shape, not spreads: every issued token's model is kept in the cache.
  else if (scope.kind === 'domain' && scopeDomain !== null)
    resolved = { kind: 'domain', domainId: scope.domainId, domain: scopeDomain }
  else if (scope.kind === 'project' && project !== null && projectDomain !== null)
    resolved = { kind: 'project', projectId: scope.projectId, project, projectDomain }
  else resolved = UNSCOPED
  if (resolved.kind !== 'unscoped' && roles.length === 0) {
    throw new Unauthorized(undefined, {
      cause: new Error(`user ${liveUser.id} has no role on the token's ${resolved.kind} scope`),
    })
  }

  return {
    user: liveUser,
    userDomain,
    methods: fields.methods,
    auditId: fields.auditId,
    parentAuditId: fields.parentAuditId,
    expiresAt: fields.expiresAt,
    issuedAt: fields.issuedAt,
    scope: resolved,
    roles,
    applicationCredential: credential,
    accessToken,
  }
}

/** Payload kinds Baton does not implement (federation, OAuth2 mTLS). */
export function unsupportedTokenKind(kind: string): TokenNotFound {
  return new TokenNotFound(undefined, { cause: new Error(`${kind} tokens are not supported`) })
}
