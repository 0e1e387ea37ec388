/**
 * keystone/auth/core.py `AuthInfo.create`: before any method runs, check that every listed
 * method has its payload (400) and is enabled (401 AuthMethodNotSupported), then resolve the
 * requested scope. Application credentials fix the scope themselves and may not request one.
 * @module
 */
import {
  ApplicationCredentialAuthError,
  AuthMethodNotSupported,
  expectingToFind,
  TrustNotFound,
  Unauthorized,
  ValidationError,
} from '../../errors.ts'
import { type Scope, SYSTEM_ALL, UNSCOPED } from '../../scope.ts'
import type { ApplicationCredential, Store } from '../../store/index.ts'
import { contains, get, truthy } from '../py_values.ts'
import { getTrust } from '../resources/trust_chain.ts'
import { lookupApplicationCredential } from './application_credential_lookup.ts'
import { lookupScopeDomain, lookupScopeProject } from './scope_lookups.ts'

export interface AuthInfo {
  readonly identity: Record<string, unknown>
  /** `get_method_names()`: the listed methods without duplicates, in order. */
  readonly methodNames: readonly string[]
  /** undefined: no scope requested (default-project scoping may apply). */
  readonly scope: Scope | undefined
  /** `"scope": "unscoped"`: an explicitly unscoped token. */
  readonly explicitlyUnscoped: boolean
  readonly applicationCredential: ApplicationCredential | undefined
}

const SCOPE_KEYS = ['project', 'domain', 'unscoped', 'system', 'OS-TRUST:trust'] as const

export async function createAuthInfo(
  store: Store,
  auth: Record<string, unknown>,
  enabledMethods: readonly string[],
  maxRedelegationCount = 3,
): Promise<AuthInfo> {
  // validate_issue_token_auth guarantees identity is an object and methods a list of strings
  const identity = get(auth, 'identity') as Record<string, unknown>
  const listed = get(identity, 'methods') as string[]
  const methodNames = [...new Set(listed)]
  for (const method of methodNames) {
    if (!contains(identity, method)) throw expectingToFind(method, 'identity')
  }
  if (methodNames.some((method) => !enabledMethods.includes(method))) {
    throw new AuthMethodNotSupported(enabledMethods)
  }
  const base = {
    identity,
    methodNames,
    explicitlyUnscoped: false,
    applicationCredential: undefined,
  }

  if (listed.includes('application_credential')) {
    if (contains(auth, 'scope')) {
      throw new ApplicationCredentialAuthError('Application credentials cannot request a scope.')
    }
    const credential = await lookupApplicationCredential(
      store,
      get(identity, 'application_credential'),
    )
    if (credential.projectId === null) {
      // Keystone 22 only creates project-bound credentials; a token needs a project here.
      throw new Unauthorized(undefined, { cause: new Error('credential without a project') })
    }
    const scope: Scope = { kind: 'project', projectId: credential.projectId }
    return { ...base, scope, applicationCredential: credential }
  }
  if (!contains(auth, 'scope')) return { ...base, scope: undefined }

  const scope = get(auth, 'scope')
  if (SCOPE_KEYS.filter((key) => contains(scope, key)).length !== 1) {
    throw expectingToFind('system, project, domain, OS-TRUST:trust or unscoped', 'scope')
  }
  if (contains(scope, 'system')) return { ...base, scope: SYSTEM_ALL }
  if (contains(scope, 'unscoped')) {
    return { ...base, scope: UNSCOPED, explicitlyUnscoped: true }
  }
  // A string scope naming project/domain/trust makes Keystone index a str: a TypeError, 400.
  if (typeof scope === 'string')
    throw new ValidationError("string indices must be integers, not 'str'")
  if (contains(scope, 'project')) {
    const project = await lookupScopeProject(store, get(scope, 'project'))
    return { ...base, scope: { kind: 'project', projectId: project.id } }
  }
  if (contains(scope, 'domain')) {
    const domain = await lookupScopeDomain(store, get(scope, 'domain'))
    return { ...base, scope: { kind: 'domain', domainId: domain.id } }
  }
  // `_lookup_trust`: get_trust (deleted, expired or used up: TrustNotFound, which
  // authenticate_for_token answers 401; a broken redelegation chain: 403), then its project.
  const trustId = get(get(scope, 'OS-TRUST:trust'), 'id')
  if (!truthy(trustId)) throw expectingToFind('trust_id', 'trust')
  let trust: Awaited<ReturnType<typeof getTrust>>
  try {
    trust = await getTrust(store, String(trustId), maxRedelegationCount)
  } catch (error) {
    if (error instanceof TrustNotFound) throw new Unauthorized(undefined, { cause: error })
    throw error
  }
  const projectId =
    trust.projectId === null ? null : (await lookupScopeProject(store, { id: trust.projectId })).id
  return { ...base, scope: { kind: 'trust', trustId: trust.id, projectId } }
}
