/**
 * The `token` auth method: keystone/auth/plugins/token.py. The presented token must validate
 * (without allow_expired; its failures are the validation's own 404s). Then Keystone refuses to
 * exchange a trust-scoped token for any token (nor, in Baton, a delegation token), a system-scoped token for a project or domain one, a token from a delegated method
 * (application credential...) for any token, and, with `[token] allow_rescope_scoped_token =
 * false`, a scoped token at all. The new token keeps the old one's expiry (so re-scoping never
 * extends a session) and chains to the old chain's first audit ID.
 * @module
 */
import { forbiddenAction } from '../../errors.ts'
import { contains, get } from '../py_values.ts'
import type { TokenService } from '../tokens/index.ts'
import type { AuthContribution, AuthMethodFactory } from './auth_method.ts'
import type { AuthSettings } from './auth_settings.ts'

export interface TokenMethodDeps {
  readonly tokens: TokenService
  readonly settings: AuthSettings
}

export async function authenticateToken(
  deps: TokenMethodDeps,
  payload: unknown,
  requestedScope: unknown,
): Promise<AuthContribution> {
  const id = get(payload, 'id')
  const token = await deps.tokens.validate(typeof id === 'string' ? id : undefined)

  // keystone tests `'project' in requested_scope`: a substring test when the scope is a string
  const wantsProjectOrDomain =
    contains(requestedScope, 'project') || contains(requestedScope, 'domain')
  if (token.accessToken) {
    throw forbiddenAction(
      'Using OAuth-scoped token to create another token. Create a new OAuth-scoped token instead',
    )
  }
  if (token.scope.kind === 'trust') {
    throw forbiddenAction(
      'Using trust-scoped token to create another token. Create a new trust-scoped token instead',
    )
  }
  // Baton: a delegation token never becomes another token (it would shed its audience,
  // operation and deadline); only its own endpoint narrows it
  if (token.scope.kind === 'delegation') {
    throw forbiddenAction('Using a delegation token to create another token is not allowed.')
  }
  if (token.scope.kind === 'system' && wantsProjectOrDomain) {
    throw forbiddenAction(
      'Using a system-scoped token to create a project-scoped or domain-scoped token is not ' +
        'allowed.',
    )
  }
  // keystone/api/_shared/delegation.py `is_delegated_method`: deny by default
  const { primaryMethods } = deps.settings
  if (token.methods.length === 0 || !token.methods.every((m) => primaryMethods.has(m))) {
    throw forbiddenAction('Using a delegated token to create another token is not allowed.')
  }
  if (
    !deps.settings.allowRescopeScopedToken &&
    (token.scope.kind === 'project' || token.scope.kind === 'domain')
  ) {
    throw forbiddenAction('rescope a scoped token')
  }
  return {
    userId: token.user.id,
    expiresAt: token.expiresAt,
    parentAuditId: token.parentAuditId ?? token.auditId,
    carriedMethods: token.methods,
  }
}

export const tokenMethod: AuthMethodFactory = (deps) => ({
  name: 'token',
  authenticate: ({ payload, auth }) => authenticateToken(deps, payload, get(auth, 'scope') ?? {}),
})
