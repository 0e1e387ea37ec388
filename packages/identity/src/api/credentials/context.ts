/**
 * What the credential area's routes receive: the API context plus the credential key repository
 * and the token service (`/v3/ec2tokens` and `/v3/s3tokens` answer with a token), both built by
 * the composition root.
 * @module
 */
import type { FastifyRequest } from 'fastify'
import type { Caller } from '../../core/caller.ts'
import type { CredentialCrypto } from '../../core/credentials/credential_crypto.ts'
import type { TokenService } from '../../core/tokens/index.ts'
import { forbiddenAction } from '../../errors.ts'
import type { ApiContext } from '../context.ts'
import { enforce, type PolicyInput } from '../v3/route_kit.ts'

export type CredentialApiContext = ApiContext & {
  readonly credentialCrypto: CredentialCrypto
  readonly tokens: TokenService
  /** Built-in primary auth methods plus `[auth] additional_primary_auth_methods`. */
  readonly primaryMethods: ReadonlySet<string>
}

/**
 * keystone/api/credentials.py `_require_primary_auth`: a token from a delegated method (an
 * application credential, an EC2 signature...), with no methods, or scoped to a trust (its
 * methods are the trustee's own, so Keystone checks the trust separately) never touches
 * credentials.
 */
export function requirePrimaryAuth(ctx: CredentialApiContext, caller: Caller): void {
  const { methods } = caller
  const delegated = methods.length === 0 || !methods.every((m) => ctx.primaryMethods.has(m))
  // Baton: a delegation token (bound to one job) is delegated whatever its methods say
  if (delegated || caller.scope.kind === 'trust' || caller.scope.kind === 'delegation') {
    throw forbiddenAction('Delegated tokens cannot access credentials directly')
  }
}

/** `enforce` answered as a boolean (list filtering). */
export function allowed(
  ctx: CredentialApiContext,
  caller: Caller,
  request: FastifyRequest,
  action: string,
  input: PolicyInput,
): boolean {
  try {
    enforce(ctx, caller, request, action, input)
    return true
  } catch {
    return false
  }
}
