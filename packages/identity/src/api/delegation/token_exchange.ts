/**
 * `POST /v3/OS-BATON/token-exchange` (Baton): RFC 8693 OAuth 2.0 Token Exchange in front of the
 * same delegation rules as `/v3/OS-BATON/delegations` (docs/delegation.md). Form-encoded
 * (`application/x-www-form-urlencoded`, RFC 6749 appendix B), parameters:
 *   grant_type = urn:ietf:params:oauth:grant-type:token-exchange (else unsupported_grant_type);
 *   subject_token (the user's token or a delegation token) + subject_token_type;
 *   actor_token (the acting service's token; required here) + actor_token_type; both types must
 *   be urn:ietf:params:oauth:token-type:access_token (a Keystone token is an access token);
 *   audience, repeated: service types (RFC 8693's logical names);
 *   scope: space-separated role names (RFC 6749 section 3.3), a subset of the subject's;
 *   requested_token_type: absent or access_token;
 *   operation (extension parameter, RFC 8693 section 2.1's "additional parameters"): the job;
 *   expires_in (extension parameter): the lifetime asked for, seconds;
 *   resource: not supported (invalid_target).
 * Answers 200 `{access_token, issued_token_type, token_type: "N_A", expires_in, scope}` with
 * `Cache-Control: no-store`; errors 400 `{error, error_description}`: invalid_request (malformed,
 * or a subject/actor token invalid or unacceptable, RFC 8693 section 2.2.2), invalid_target
 * (audience), invalid_scope (roles), unsupported_grant_type; 401 invalid_client is never used (the
 * actor authenticates by its token, which RFC 8693 reports as invalid_request).
 * @module
 */
import type { FastifyPluginAsync } from 'fastify'
import { DelegationRefused, KeystoneError, ValidationError } from '../../errors.ts'
import { type AreaOptions, apiArea, type Result, type Router } from '../router.ts'
import type { DelegationApiContext } from './context.ts'

export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange'
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token'
const FORM = 'application/x-www-form-urlencoded'
const URL = '/v3/OS-BATON/token-exchange'

type OAuthError = 'invalid_request' | 'invalid_target' | 'invalid_scope' | 'unsupported_grant_type'

const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' }

function oauthError(error: OAuthError, description: string): Result {
  return {
    status: 400,
    body: { error, error_description: description },
    headers: NO_STORE,
  }
}

class ExchangeRefusal extends Error {
  readonly error: OAuthError
  constructor(error: OAuthError, description: string) {
    super(description)
    this.error = error
  }
}

/** The raw body as the area's parser kept it. */
interface RawBody {
  readonly contentType: string
  readonly text: string
}

function isRawBody(value: unknown): value is RawBody {
  return typeof value === 'object' && value !== null && 'text' in value && 'contentType' in value
}

/** RFC 6749 section 3.2: a parameter sent twice is invalid (audience excepted, RFC 8693). */
function single(form: URLSearchParams, name: string, required: boolean): string | undefined {
  const values = form.getAll(name)
  if (values.length > 1) throw new ExchangeRefusal('invalid_request', `${name} is repeated.`)
  const value = values[0]
  if (value === undefined || value === '') {
    if (required) throw new ExchangeRefusal('invalid_request', `${name} is required.`)
    return undefined
  }
  return value
}

function tokenType(form: URLSearchParams, name: string): void {
  const type = single(form, name, true)
  if (type !== ACCESS_TOKEN_TYPE) {
    throw new ExchangeRefusal('invalid_request', `${name} must be ${ACCESS_TOKEN_TYPE}.`)
  }
}

/** The `delegation` body the exchange stands for. */
function delegationBody(form: URLSearchParams): Record<string, unknown> {
  const body: Record<string, unknown> = {}
  const operation = single(form, 'operation', false)
  if (operation !== undefined) body.operation = operation
  const audience = form.getAll('audience').filter((a) => a !== '')
  if (audience.length > 0) body.audience = audience
  const expiresIn = single(form, 'expires_in', false)
  if (expiresIn !== undefined) {
    if (!/^[0-9]{1,10}$/.test(expiresIn)) {
      throw new ExchangeRefusal('invalid_request', 'expires_in must be a number of seconds.')
    }
    body.expires_in = Number(expiresIn)
  }
  const scope = single(form, 'scope', false)
  if (scope !== undefined) body.roles = scope.split(' ').filter((r) => r !== '')
  return body
}

function refusalOf(error: unknown): Result {
  if (error instanceof ExchangeRefusal) return oauthError(error.error, error.message)
  if (error instanceof DelegationRefused) return oauthError(error.oauthError, error.message)
  if (error instanceof ValidationError) {
    const target = error.message.includes("field 'audience")
    return oauthError(target ? 'invalid_target' : 'invalid_request', error.message)
  }
  if (error instanceof KeystoneError && error.status < 500) {
    // RFC 8693 2.2.2: an invalid or unacceptable subject or actor token is invalid_request
    return oauthError('invalid_request', error.message)
  }
  throw error
}

function registerTokenExchange(router: Router, ctx: DelegationApiContext): void {
  router.route('POST', URL, async (req) => {
    try {
      const raw = req.body
      if (!isRawBody(raw) || raw.contentType !== FORM) {
        throw new ExchangeRefusal('invalid_request', `the body must be ${FORM}.`)
      }
      const form = new URLSearchParams(raw.text)
      const grant = single(form, 'grant_type', true)
      if (grant !== TOKEN_EXCHANGE_GRANT) {
        throw new ExchangeRefusal('unsupported_grant_type', 'only token exchange is supported.')
      }
      const subjectToken = single(form, 'subject_token', true)
      tokenType(form, 'subject_token_type')
      const actorToken = single(form, 'actor_token', true)
      tokenType(form, 'actor_token_type')
      const requested = single(form, 'requested_token_type', false)
      if (requested !== undefined && requested !== ACCESS_TOKEN_TYPE) {
        throw new ExchangeRefusal('invalid_request', `only ${ACCESS_TOKEN_TYPE} can be issued.`)
      }
      if (form.has('resource')) {
        throw new ExchangeRefusal('invalid_target', 'resource is not supported; use audience.')
      }
      const issued = await ctx.delegations.delegate({
        subjectToken,
        actorToken,
        body: delegationBody(form),
      })
      const expiresIn = Math.max(0, Math.floor((issued.model.expiresAt - ctx.clock.now()) / 1000))
      return {
        status: 200,
        body: {
          access_token: issued.token,
          issued_token_type: ACCESS_TOKEN_TYPE,
          token_type: 'N_A',
          expires_in: expiresIn,
          scope: issued.model.roles.map((r) => r.name).join(' '),
        },
        headers: NO_STORE,
      }
    } catch (error) {
      return refusalOf(error)
    }
  })
}

const exchangeRoutes = apiArea<DelegationApiContext>('OS-BATON token-exchange', [
  registerTokenExchange,
])

/**
 * The exchange as its own fastify context: its bodies are forms, so the JSON parser the rest of
 * the API shares (http/json_body.ts) is replaced here by one that keeps the text and its type.
 */
export const tokenExchangeApi: FastifyPluginAsync<AreaOptions<DelegationApiContext>> = async (
  app,
  options,
) => {
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
    const contentType =
      (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
    done(null, { contentType, text: typeof body === 'string' ? body : body.toString('utf8') })
  })
  await exchangeRoutes(app, options)
}
Object.defineProperty(tokenExchangeApi, 'name', { value: 'api:OS-BATON token-exchange' })
