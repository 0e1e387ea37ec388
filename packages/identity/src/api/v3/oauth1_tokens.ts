/**
 * The OS-OAUTH1 delegation routes (keystone/api/os_oauth1.py RequestTokenResource,
 * AuthorizeResource, AccessTokenResource, and keystone/api/users.py OAuth1*Resource):
 * - `POST /v3/OS-OAUTH1/request_token` and `/access_token`, unauthenticated, OAuth-signed by the
 *   consumer, answering Keystone's form-encoded `oauth_token=..&oauth_token_secret=..`;
 * - `PUT /v3/OS-OAUTH1/authorize/{request_token_id}` with the roles to delegate;
 * - `/v3/users/{user_id}/OS-OAUTH1/access_tokens[/{id}[/roles[/{role_id}]]]`: list, show, delete
 *   and the delegated roles. Secrets are never rendered. Deleting uses Keystone's own (odd)
 *   `identity:ec2_delete_credential` rule, as Keystone 22 does.
 * Delegated tokens (trust, application credential, EC2, OAuth1 itself) may neither authorize a
 * request token nor manage access tokens (keystone/api/_shared/delegation.py).
 * @module
 */
import type { FastifyRequest } from 'fastify'
import { authSettings } from '../../core/auth/auth_settings.ts'
import type { Caller } from '../../core/caller.ts'
import {
  authorizeRequestToken,
  createAccessToken,
  createRequestToken,
  type OAuthFlowDeps,
  type RoleReference,
} from '../../core/oauth1/oauth_flow.ts'
import type { OAuthRequest } from '../../core/oauth1/signature.ts'
import { renderRole } from '../../core/resources/entities.ts'
import { roleReferences } from '../../core/resources/parameter_types.ts'
import { type Schema, validate } from '../../core/resources/schema_validator.ts'
import { Forbidden, NotFound, RoleNotFound, Unauthorized } from '../../errors.ts'
import { headerValue } from '../../http/authenticate.ts'
import { oauth1Options } from '../../options.ts'
import type { AccessToken } from '../../store/index.ts'
import type { ApiContext } from '../context.ts'
import { noContent, ok, type Result, type Router } from '../router.ts'
import { authorize, baseUrl, param, requestUrl } from './route_kit.ts'

/** keystone/oauth1/schema.py `request_token_authorize`: Keystone's role references. */
const requestTokenAuthorize: Schema = roleReferences

const FORM = 'application/x-www-form-urlencoded'

function rawQuery(request: FastifyRequest): string {
  const at = request.url.indexOf('?')
  return at === -1 ? '' : request.url.slice(at + 1)
}

/**
 * The request as oauthlib sees it in Keystone: `url` as rebuilt there, the Authorization header,
 * and, for a form-encoded request, Keystone's `body=flask.request.args` (the query once more).
 */
export function signedRequestOf(request: FastifyRequest, url: string): OAuthRequest {
  const contentType = headerValue(request, 'content-type') ?? ''
  return {
    method: 'POST',
    url,
    authorization: headerValue(request, 'authorization'),
    formBody: contentType.includes(FORM) ? rawQuery(request) : undefined,
  }
}

/** keystone `_update_url_scheme`: the request's own URL with the base URL's scheme. */
function ownUrl(ctx: ApiContext, request: FastifyRequest): string {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(ctx.baseUrl(request))?.[1] ?? request.protocol
  const host = request.headers.host ?? request.hostname
  return `${scheme}://${host}${request.url}`
}

function flowDeps(ctx: ApiContext): OAuthFlowDeps {
  const options = ctx.config.get(oauth1Options)
  return {
    store: ctx.store,
    clock: ctx.clock,
    requestTokenDuration: options.request_token_duration,
    accessTokenDuration: options.access_token_duration,
  }
}

function formCreated(body: string): Result {
  return { status: 201, body, headers: { 'content-type': FORM } }
}

/** keystone/api/_shared/delegation.py `is_delegated_method`, or a trust-scoped caller. */
function isDelegated(ctx: ApiContext, caller: Caller): boolean {
  const primary = authSettings(ctx.config).primaryMethods
  return (
    caller.scope.kind === 'trust' ||
    caller.methods.length === 0 ||
    !caller.methods.every((m) => primary.has(m))
  )
}

/** users.py `_format_token_entity` plus the resource's self link. */
function renderAccessToken(ctx: ApiContext, req: FastifyRequest, t: AccessToken) {
  const base = baseUrl(ctx, req, `users/${t.authorizingUserId}/OS-OAUTH1/access_tokens`)
  return {
    id: t.id,
    authorizing_user_id: t.authorizingUserId,
    project_id: t.projectId,
    consumer_id: t.consumerId,
    expires_at: t.expiresAt,
    links: { roles: `${base}/${t.id}/roles`, self: `${base}/${t.id}` },
  }
}

export function registerOAuth1TokenRoutes(router: Router, ctx: ApiContext): void {
  router.route('POST', '/v3/OS-OAUTH1/request_token', async (req) => {
    const signed = signedRequestOf(req, ownUrl(ctx, req))
    const projectId = headerValue(req, 'requested-project-id')
    const { body } = await createRequestToken(flowDeps(ctx), signed, projectId)
    return formCreated(body)
  })

  router.route('POST', '/v3/OS-OAUTH1/access_token', async (req) => {
    const signed = signedRequestOf(req, ownUrl(ctx, req))
    const { body } = await createAccessToken(flowDeps(ctx), signed)
    return formCreated(body)
  })

  router.route('PUT', '/v3/OS-OAUTH1/authorize/:request_token_id', async (req) => {
    const caller = await authorize(ctx, req, 'identity:authorize_request_token')
    const raw = req.body
    const roles =
      typeof raw === 'object' && raw !== null && !Array.isArray(raw) && Object.hasOwn(raw, 'roles')
        ? (raw as Record<string, unknown>).roles
        : []
    validate(requestTokenAuthorize, roles)
    if (isDelegated(ctx, caller)) {
      throw new Forbidden(undefined, {
        cause: new Error('Cannot authorize a request token with a token issued via delegation.'),
      })
    }
    const verifier = await authorizeRequestToken(
      flowDeps(ctx),
      caller.userId,
      param(req, 'request_token_id'),
      roles as RoleReference[],
    )
    return ok({ token: { oauth_verifier: verifier } })
  })

  const manage = async (req: FastifyRequest, action: string) => {
    const caller = await authorize(ctx, req, action)
    if (isDelegated(ctx, caller)) {
      throw new Forbidden(undefined, {
        cause: new Error('Cannot manage OAuth access tokens with a token issued via delegation.'),
      })
    }
    return caller
  }
  const base = '/v3/users/:user_id/OS-OAUTH1/access_tokens'
  router.route('GET', base, async (req) => {
    await manage(req, 'identity:list_access_tokens')
    const tokens = await ctx.store.oauthTokens.listAccessTokens(param(req, 'user_id'))
    return ok({
      access_tokens: tokens.map((t) => renderAccessToken(ctx, req, t)),
      links: { next: null, self: requestUrl(ctx, req), previous: null },
    })
  })
  /** The user's access token; another user's is a bare NotFound, as Keystone. */
  const owned = async (req: FastifyRequest, mismatch: () => Error = () => new NotFound()) => {
    const token = await ctx.store.oauthTokens.getAccessToken(param(req, 'access_token_id'))
    if (token.authorizingUserId !== param(req, 'user_id')) throw mismatch()
    return token
  }
  router.route('GET', `${base}/:access_token_id`, async (req) => {
    await manage(req, 'identity:get_access_token')
    return ok({ access_token: renderAccessToken(ctx, req, await owned(req)) })
  })
  router.route('DELETE', `${base}/:access_token_id`, async (req) => {
    await manage(req, 'identity:ec2_delete_credential')
    const userId = param(req, 'user_id')
    const id = param(req, 'access_token_id')
    await ctx.store.oauthTokens.getAccessToken(id)
    await ctx.store.transaction((s) => s.oauthTokens.deleteAccessToken(userId, id))
    return noContent()
  })

  const renderTokenRole = async (req: FastifyRequest, roleId: string) => {
    const { description: _d, ...role } = renderRole(await ctx.store.assignment.getRole(roleId))
    return { ...role, links: { self: baseUrl(ctx, req, `roles/${roleId}`) } }
  }
  router.route('GET', `${base}/:access_token_id/roles`, async (req) => {
    await authorize(ctx, req, 'identity:list_access_token_roles')
    const token = await owned(req)
    const roles = await Promise.all(token.roleIds.map((id) => renderTokenRole(req, id)))
    return ok({ roles, links: { next: null, self: requestUrl(ctx, req), previous: null } })
  })
  router.route('GET', `${base}/:access_token_id/roles/:role_id`, async (req) => {
    await authorize(ctx, req, 'identity:get_access_token_role')
    const token = await owned(
      req,
      () => new Unauthorized(undefined, { cause: new Error('User IDs do not match') }),
    )
    const roleId = param(req, 'role_id')
    if (!token.roleIds.includes(roleId)) {
      throw new RoleNotFound(`Could not find role: ${roleId}.`)
    }
    return ok({ role: await renderTokenRole(req, roleId) })
  })
}
