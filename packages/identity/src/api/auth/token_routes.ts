/**
 * `/v3/auth/tokens` (keystone/api/auth.py `AuthTokenResource`):
 * - POST issues (201, `X-Subject-Token`), unauthenticated, `?nocatalog`; with the user's MFA
 *   rules unmet, 401 with an `Openstack-Auth-Receipt` and the receipt body (core/auth/receipts.ts);
 * - GET validates and HEAD checks (200, `X-Subject-Token` echoed), `?allow_expired`, `?nocatalog`;
 * - DELETE revokes (204).
 * GET/HEAD/DELETE follow Keystone's enforcement order: the caller's X-Auth-Token (401), then the
 * subject token, validated with the request's allow_expired window to build the policy target
 * (404, even for callers who may not look), then policy (403): `identity:validate_token` for GET,
 * `identity:check_token` for HEAD (no service role), `identity:revoke_token` for DELETE.
 * @module
 */
import type { FastifyRequest } from 'fastify'
import type { AuthService } from '../../core/auth/index.ts'
import { AUTH_RECEIPT_HEADER } from '../../core/auth/receipts.ts'
import type { Caller, PolicyTarget } from '../../core/caller.ts'
import { enforceAudience } from '../../core/delegations/audience.ts'
import type { DelegationService } from '../../core/delegations/delegation_service.ts'
import type { TokenModel, TokenService } from '../../core/tokens/index.ts'
import { InsufficientAuthMethods } from '../../errors.ts'
import { headerValue } from '../../http/authenticate.ts'
import type { ApiContext } from '../context.ts'
import { noContent, type Router } from '../router.ts'
import { signedRequestOf } from '../v3/oauth1_tokens.ts'
import { baseUrl } from '../v3/route_kit.ts'
import { boolFromString, hasQueryArg, queryArg } from './request_args.ts'

/** The API context plus the services the composition root built for this area. */
export type AuthRoutesContext = ApiContext & {
  readonly tokens: TokenService
  readonly auth: AuthService
  /** Baton: for the identity-side audience check of delegation tokens (docs/delegation.md). */
  readonly delegations?: Pick<DelegationService, 'settings'> | undefined
}

const SUBJECT = 'x-subject-token'
/** Node's request headers are lower-cased. */
const RECEIPT = AUTH_RECEIPT_HEADER.toLowerCase()

/**
 * keystone `_extract_subject_token_target_data`: `target.token.user_id` and
 * `target.token.user.domain.id`, nested and flattened (oslo.policy reads the dotted keys).
 */
function tokenTarget(subject: TokenModel | undefined): PolicyTarget {
  if (subject === undefined) return {}
  const token = { user_id: subject.user.id, user: { domain: { id: subject.userDomain.id } } }
  return {
    target: { token },
    'target.token.user_id': token.user_id,
    'target.token.user.domain.id': token.user.domain.id,
  }
}

/** Authenticate, validate the subject (when sent) for the target, enforce; returns the subject. */
async function enforceOnSubject(
  ctx: AuthRoutesContext,
  request: FastifyRequest,
  action: string,
): Promise<{ caller: Caller; subject: TokenModel | undefined; token: string | undefined }> {
  const caller = await ctx.authenticate(request)
  const token = headerValue(request, SUBJECT)
  const allowExpired = boolFromString(queryArg(request, 'allow_expired'))
  const subject =
    token === undefined ? undefined : await ctx.tokens.validate(token, { allowExpired })
  // Baton: a listed service validating a delegation not addressed to it hears "invalid token"
  if (subject !== undefined && ctx.delegations !== undefined) {
    await enforceAudience(ctx.store, ctx.delegations.settings, caller.userId, subject)
  }
  ctx.policy.enforce(caller, action, tokenTarget(subject))
  return { caller, subject, token }
}

export function registerTokenRoutes(router: Router, ctx: AuthRoutesContext): void {
  const url = '/v3/auth/tokens'

  router.route('POST', url, async (request) => {
    const body = request.body
    const authData =
      typeof body === 'object' && body !== null && Object.hasOwn(body, 'auth')
        ? (body as Record<string, unknown>).auth
        : undefined
    const receipt = headerValue(request, RECEIPT)
    let issued: Awaited<ReturnType<typeof ctx.auth.authenticateForToken>>
    try {
      // keystone's oauth1 plugin checks the signature over `base_url(path=request.path)`
      const http = signedRequestOf(request, baseUrl(ctx, request, url))
      issued = await ctx.auth.authenticateForToken(authData, receipt ? { receipt, http } : { http })
    } catch (error) {
      // keystone build_receipt: the receipt and its body instead of the error body
      if (!(error instanceof InsufficientAuthMethods) || error.receipt === undefined) throw error
      return {
        status: 401,
        body: error.receipt.body,
        headers: { [AUTH_RECEIPT_HEADER]: error.receipt.id },
      }
    }
    const rendered = await ctx.tokens.render(issued.model, {
      includeCatalog: !hasQueryArg(request, 'nocatalog'),
    })
    return { status: 201, body: rendered, headers: { 'X-Subject-Token': issued.token } }
  })

  // HEAD runs this handler too (fastify's HEAD route), under its own policy action
  router.route('GET', url, async (request) => {
    const action = request.method === 'HEAD' ? 'identity:check_token' : 'identity:validate_token'
    const { subject, token } = await enforceOnSubject(ctx, request, action)
    // Without the header the enforcer had nothing to validate; now Keystone says why.
    const model = subject ?? (await ctx.tokens.validate(token))
    const rendered = await ctx.tokens.renderJson(model, {
      includeCatalog: !hasQueryArg(request, 'nocatalog'),
    })
    return {
      status: 200,
      body: rendered,
      headers: {
        'X-Subject-Token': token ?? '',
        'content-type': 'application/json; charset=utf-8',
      },
    }
  })

  router.route('DELETE', url, async (request) => {
    const { token } = await enforceOnSubject(ctx, request, 'identity:revoke_token')
    // keystone revoke_token validates again, without the allow_expired window
    await ctx.tokens.revoke(token)
    return noContent()
  })
}
