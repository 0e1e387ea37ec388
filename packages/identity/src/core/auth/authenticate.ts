/**
 * `POST /v3/auth/tokens` minus HTTP: keystone/api/_shared/authentication.py
 * `authenticate_for_token`. Validate the `auth` object, resolve methods and scope (AuthInfo),
 * run every listed method in order (all must succeed and agree on the user, keystone
 * `AuthContext`), apply default-project scoping, add the methods of an auth receipt sent along
 * (receipts.ts), check the user's MFA rules (unmet: a new receipt, as Keystone), then issue (and
 * consume a use of the trust a trust-scoped token was issued from).
 * @module
 */
import type { Clock, EpochMs } from '@baton/config'
import {
  expectingToFind,
  InsufficientAuthMethods,
  ReceiptNotFound,
  TrustNotFound,
  Unauthorized,
  UserNotFound,
} from '../../errors.ts'
import { type Scope, UNSCOPED } from '../../scope.ts'
import type { Store, User } from '../../store/index.ts'
import type { CredentialCrypto } from '../credentials/credential_crypto.ts'
import type { OAuthRequest } from '../oauth1/signature.ts'
import { isObject, truthy } from '../py_values.ts'
import type { IssuedToken, TokenService } from '../tokens/index.ts'
import { createAuthInfo } from './auth_info.ts'
import type { AuthContribution, AuthMethod } from './auth_method.ts'
import { validateIssueTokenAuth } from './auth_schema.ts'
import type { AuthSettings } from './auth_settings.ts'
import { defaultScope } from './default_scope.ts'
import { loadAuthMethods } from './method_registry.ts'
import { satisfiesMfaRules } from './mfa_rules.ts'
import { type ReceiptService, receiptBody, requiredAuthMethods } from './receipts.ts'

export interface AuthServiceOptions {
  readonly store: Store
  readonly tokens: TokenService
  readonly settings: AuthSettings
  /** Milliseconds since the epoch. */
  readonly clock: Clock
  /** Opens credential blobs, for the totp method. */
  readonly credentialCrypto?: CredentialCrypto | undefined
  /** Auth receipts; without it unmet MFA rules are the bare 401 and receipts are refused. */
  readonly receipts?: ReceiptService | undefined
  /** The methods by name; default: `loadAuthMethods` over `settings.methods`. */
  readonly methods?: ReadonlyMap<string, AuthMethod>
}

export interface AuthService {
  /**
   * `auth` is the request body's `auth` member, untrusted; `receipt` the request's
   * `Openstack-Auth-Receipt` header, if any.
   */
  authenticateForToken(
    auth: unknown,
    options?: { receipt?: string; http?: OAuthRequest },
  ): Promise<IssuedToken>
}

/** keystone `AuthContext`: methods must agree on the user; the earliest expiry wins. */
class AuthContext {
  userId: string | undefined
  expiresAt: EpochMs | undefined
  parentAuditId: string | null = null
  methodNames: string[] = []
  applicationCredentialId: string | null = null
  oauth: { accessTokenId: string; projectId: string } | null = null

  add(method: string, result: AuthContribution): void {
    if (this.userId !== undefined && this.userId !== result.userId) {
      throw new Unauthorized(undefined, { cause: new Error('methods disagree on the user') })
    }
    this.userId = result.userId
    if (result.expiresAt !== undefined) {
      // Keystone takes min() of the expiries
      this.expiresAt =
        this.expiresAt === undefined || result.expiresAt < this.expiresAt
          ? result.expiresAt
          : this.expiresAt
    }
    if (result.parentAuditId !== undefined) this.parentAuditId = result.parentAuditId
    this.methodNames.unshift(method)
    this.methodNames.push(...(result.carriedMethods ?? []))
    if (result.applicationCredentialId !== undefined) {
      this.applicationCredentialId = result.applicationCredentialId
    }
    if (result.oauth !== undefined) this.oauth = result.oauth
  }
}

export function createAuthService(options: AuthServiceOptions): AuthService {
  const { tokens, settings, receipts } = options
  const methods = options.methods ?? loadAuthMethods(options)

  function methodNamed(name: string): AuthMethod {
    const method = methods.get(name)
    // AuthInfo already refused methods outside [auth] methods; this is a registry without it
    if (method === undefined) {
      throw new Unauthorized(undefined, { cause: new Error(`method ${name} not implemented`) })
    }
    return method
  }

  function receiptFor(id: string, userId: string): { methods: readonly string[] } {
    if (receipts === undefined) {
      throw new ReceiptNotFound(undefined, { cause: new Error('receipts are not enabled') })
    }
    const fields = receipts.validate(id)
    if (fields.userId !== userId) {
      throw new ReceiptNotFound(undefined, { cause: new Error('receipt is for another user') })
    }
    return fields
  }

  /** keystone `build_receipt`: the error carries the receipt the token route renders. */
  async function insufficient(user: User, methods: string[]): Promise<InsufficientAuthMethods> {
    if (receipts === undefined) return new InsufficientAuthMethods(user.id, methods)
    const domain = await options.store.resource.getDomain(user.domainId)
    const { id, fields } = receipts.issue(user.id, methods)
    const required = requiredAuthMethods(user, methods, settings.methods)
    return new InsufficientAuthMethods(user.id, methods, {
      receipt: { id, body: receiptBody(fields, user, domain, required) },
    })
  }

  return {
    async authenticateForToken(auth, requestOptions = {}) {
      validateIssueTokenAuth(auth)
      if (!truthy(auth) || !isObject(auth)) throw expectingToFind('auth', 'request body')
      // Scope names, the user's options and the default project: memoised per generation.
      const reads = await tokens.readView()
      const info = await createAuthInfo(
        reads,
        auth,
        settings.methods,
        settings.maxRedelegationCount,
      )

      const context = new AuthContext()
      for (const name of info.methodNames) {
        const request = { payload: info.identity[name], auth, info, http: requestOptions.http }
        context.add(name, await methodNamed(name).authenticate(request))
      }
      const userId = context.userId
      if (userId === undefined) {
        throw new Unauthorized(undefined, { cause: new Error('User not found by auth plugin') })
      }
      let user: User
      try {
        user = await reads.identity.getUser(userId)
      } catch (error) {
        if (error instanceof UserNotFound) throw new Unauthorized(undefined, { cause: error })
        throw error
      }
      // keystone authenticate_for_token: an access token fixes the project scope
      let scope: Scope | undefined =
        context.oauth === null
          ? info.scope
          : { kind: 'project', projectId: context.oauth.projectId }
      if (scope === undefined && !info.explicitlyUnscoped) scope = await defaultScope(reads, user)

      // extract_receipt: an empty header is no receipt
      const receipt = requestOptions.receipt
        ? receiptFor(requestOptions.receipt, userId)
        : undefined
      const methods = [...new Set([...context.methodNames, ...(receipt?.methods ?? [])])]
      if (!satisfiesMfaRules(user, new Set(methods), settings.methods)) {
        throw await insufficient(user, methods)
      }
      const issued = await tokens.issue({
        userId,
        methods,
        scope: scope ?? UNSCOPED,
        expiresAt: context.expiresAt,
        parentAuditId: context.parentAuditId,
        appCredId: methods.includes('application_credential')
          ? context.applicationCredentialId
          : null,
        accessTokenId: context.oauth?.accessTokenId ?? null,
      })
      // keystone: a trust's use is consumed only once its token was issued (TrustNotFound -> 401;
      // TrustUseLimitReached when a concurrent issue took the last use: 403, the token unsent)
      if (scope?.kind === 'trust') {
        try {
          await options.store.trusts.consumeUse(scope.trustId)
        } catch (error) {
          if (error instanceof TrustNotFound) throw new Unauthorized(undefined, { cause: error })
          throw error
        }
      }
      return issued
    },
  }
}
