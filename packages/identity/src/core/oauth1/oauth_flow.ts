/**
 * The OS-OAUTH1 delegation flow minus HTTP (keystone/api/os_oauth1.py and
 * keystone/auth/plugins/oauth1.py), in Keystone's order of checks: a consumer asks for a request
 * token for a project, a user authorizes it with roles they hold there (getting a verifier), the
 * consumer exchanges it (signed with the request token and the verifier) for an access token, and
 * requests signed with the access token authenticate the `oauth1` method. Ids and secrets are
 * uuid4 hex; times are Keystone's ISO strings with microseconds.
 * @module
 */
import { randomInt } from 'node:crypto'
import type { Clock } from '@baton/config'
import { expectingToFind, NotFound, Unauthorized, ValidationError } from '../../errors.ts'
import type { AccessToken, RequestToken, Store } from '../../store/index.ts'
import { parseIsoTime } from '../../store/index.ts'
import { newId } from '../resources/entities.ts'
import { roleIdsOf } from '../resources/role_references.ts'
import {
  checkMandatoryParameters,
  isTokenFormat,
  isVerifierFormat,
  oauthHeaders,
  oauthlibError,
  signedParameters,
  VERIFIER_CHARS,
} from './endpoints.ts'
import { type OAuthRequest, verifySignature } from './signature.ts'

export interface OAuthFlowDeps {
  readonly store: Store
  readonly clock: Clock
  /** `[oauth1] request_token_duration` and `access_token_duration`, seconds; 0: forever. */
  readonly requestTokenDuration: number
  readonly accessTokenDuration: number
}

/** A signed request as the route saw it: the URL Keystone rebuilds, the headers it reads. */
export type SignedRequest = OAuthRequest

/** keystone `utils.isotime(now + duration, subsecond=True)`; null when the duration is 0. */
function expiryAfter(clock: Clock, seconds: number): string | null {
  if (seconds <= 0) return null
  const ms = clock.now() + seconds * 1000
  const micros = String(Math.floor(ms) % 1000).padStart(3, '0')
  return `${new Date(Math.floor(ms)).toISOString().slice(0, 19)}.${micros}000Z`
}

/** Keystone compares `utcnow() > expires_at`. */
function isExpired(clock: Clock, expiresAt: string | null): boolean {
  if (expiresAt === null) return false
  const micros = parseIsoTime(expiresAt)
  return micros !== undefined && clock.now() * 1000 > micros
}

/** `oauth_token=..&oauth_token_secret=..[&oauth_expires_at=..]`, Keystone's own formatting. */
function formBody(id: string, secret: string, expiresAt: string | null): string {
  const base = `oauth_token=${id}&oauth_token_secret=${secret}`
  return expiresAt === null ? base : `${base}&oauth_expires_at=${expiresAt}`
}

export interface RequestTokenResult {
  readonly token: RequestToken
  readonly body: string
}

/** `POST /v3/OS-OAUTH1/request_token` (RequestTokenResource.post). */
export async function createRequestToken(
  deps: OAuthFlowDeps,
  request: SignedRequest,
  requestedProjectId: string | undefined,
): Promise<RequestTokenResult> {
  const headers = oauthHeaders(request.authorization)
  const consumerId = headers.get('oauth_consumer_key')
  if (!consumerId) throw expectingToFind('oauth_consumer_key', 'request')
  if (!requestedProjectId) throw expectingToFind('Requested-Project-Id', 'request')
  await deps.store.resource.getProject(requestedProjectId)
  const consumer = await deps.store.consumers.get(consumerId)

  // oauthlib RequestTokenEndpoint.validate_request_token_request
  const params = signedParameters(request)
  checkMandatoryParameters(params, deps.clock.now())
  if (!params.get('oauth_callback')) {
    throw oauthlibError('Missing callback URI.')
  }
  const signer = params.get('oauth_consumer_key') ?? ''
  const signerSecret =
    signer === consumer.id ? consumer.secret : await consumerSecret(deps.store, signer)
  if (signerSecret === undefined || !verifySignature(request, signerSecret)) {
    throw new Unauthorized(undefined, { cause: new Error('Invalid signature') })
  }
  const token = await deps.store.transaction((s) =>
    s.oauthTokens.createRequestToken({
      id: newId(),
      requestSecret: newId(),
      requestedProjectId,
      consumerId,
      expiresAt: expiryAfter(deps.clock, deps.requestTokenDuration),
    }),
  )
  return { token, body: formBody(token.id, token.requestSecret, token.expiresAt) }
}

async function consumerSecret(store: Store, id: string): Promise<string | undefined> {
  try {
    return (await store.consumers.get(id)).secret
  } catch (error) {
    if (error instanceof NotFound) return undefined
    throw error
  }
}

/** A role reference of the authorize body (`{"id": ...}` or `{"name": ...}`). */
export type RoleReference = { readonly id?: string; readonly name?: string }

/** keystone `base.VERIFIER_CHARS` sampled 8 times without replacement (`random.sample`). */
function newVerifier(): string {
  const pool = [...VERIFIER_CHARS]
  let out = ''
  for (let i = 0; i < 8; i++) out += pool.splice(randomInt(pool.length), 1)[0] ?? ''
  return out
}

/** `PUT /v3/OS-OAUTH1/authorize/{request_token_id}` after policy and the delegation check. */
export async function authorizeRequestToken(
  deps: OAuthFlowDeps,
  userId: string,
  requestTokenId: string,
  roles: readonly RoleReference[],
): Promise<string> {
  const requestToken = await deps.store.oauthTokens.getRequestToken(requestTokenId)
  if (isExpired(deps.clock, requestToken.expiresAt)) {
    throw new Unauthorized(undefined, { cause: new Error('Request token is expired') })
  }
  // names among the global roles, each role once (Keystone gathers them in a set)
  const wanted = [...new Set(await roleIdsOf(deps.store, roles, { domainId: null }))]
  const held = await deps.store.effectiveRoles.rolesFor(userId, {
    kind: 'project',
    projectId: requestToken.requestedProjectId,
  })
  const heldIds = new Set(held.map((r) => r.id))
  if (!wanted.every((id) => heldIds.has(id))) {
    throw new Unauthorized(undefined, {
      cause: new Error('authorizing user does not have role required'),
    })
  }
  const authorized = await deps.store.transaction((s) =>
    s.oauthTokens.authorizeRequestToken(requestTokenId, {
      userId,
      verifier: newVerifier(),
      roleIds: wanted,
    }),
  )
  return authorized.verifier ?? ''
}

export interface AccessTokenResult {
  readonly token: AccessToken
  readonly body: string
}

/** `POST /v3/OS-OAUTH1/access_token` (AccessTokenResource.post). */
export async function createAccessToken(
  deps: OAuthFlowDeps,
  request: SignedRequest,
): Promise<AccessTokenResult> {
  const headers = oauthHeaders(request.authorization)
  const consumerId = headers.get('oauth_consumer_key')
  const requestTokenId = headers.get('oauth_token')
  const verifier = headers.get('oauth_verifier')
  if (!consumerId) throw expectingToFind('oauth_consumer_key', 'request')
  if (!requestTokenId) throw expectingToFind('oauth_token', 'request')
  if (!verifier) throw expectingToFind('oauth_verifier', 'request')
  const requestToken = await deps.store.oauthTokens.getRequestToken(requestTokenId)
  if (isExpired(deps.clock, requestToken.expiresAt)) {
    throw new Unauthorized(undefined, { cause: new Error('Request token is expired') })
  }

  // oauthlib AccessTokenEndpoint.validate_access_token_request
  const params = signedParameters(request)
  checkMandatoryParameters(params, deps.clock.now())
  const ownerKey = params.get('oauth_token') ?? ''
  const signedVerifier = params.get('oauth_verifier') ?? ''
  const invalid = (description: string) => oauthlibError(description)
  if (ownerKey === '') throw invalid('Missing resource owner.')
  if (!isTokenFormat(ownerKey)) throw invalid('Invalid resource owner key format.')
  if (signedVerifier === '') throw invalid('Missing verifier.')
  if (!isVerifierFormat(signedVerifier)) throw invalid('Invalid verifier format.')
  const clientKey = params.get('oauth_consumer_key') ?? ''
  const secret = await consumerSecret(deps.store, clientKey)
  const owner =
    ownerKey === requestToken.id ? requestToken : await requestTokenOrNull(deps, ownerKey)
  if (secret === undefined || owner === null || owner.consumerId !== clientKey) {
    // oauthlib's dummy client / request token: Keystone's NotImplementedError branch
    if ((await consumerSecret(deps.store, consumerId)) === undefined) {
      throw new Unauthorized(undefined, { cause: new Error('Provided consumer does not exist.') })
    }
    if (requestToken.consumerId !== consumerId) {
      throw new Unauthorized(undefined, {
        cause: new Error('Provided consumer key does not match stored consumer key.'),
      })
    }
    throw new Unauthorized(undefined, { cause: new Error('Invalid signature') })
  }
  const verifierMatches = owner.verifier === signedVerifier
  if (!verifierMatches || !verifySignature(request, secret, owner.requestSecret)) {
    throw new Unauthorized(undefined, {
      cause: new Error(
        requestToken.verifier !== verifier
          ? 'Provided verifier does not match stored verifier'
          : 'Invalid signature',
      ),
    })
  }
  if (!requestToken.authorizingUserId) {
    throw new Unauthorized(undefined, {
      cause: new Error('Request Token does not have an authorizing user id.'),
    })
  }
  const token = await deps.store.transaction((s) =>
    s.oauthTokens.createAccessToken(requestTokenId, {
      id: newId(),
      accessSecret: newId(),
      expiresAt: expiryAfter(deps.clock, deps.accessTokenDuration),
    }),
  )
  return { token, body: formBody(token.id, token.accessSecret, token.expiresAt) }
}

async function requestTokenOrNull(deps: OAuthFlowDeps, id: string): Promise<RequestToken | null> {
  try {
    return await deps.store.oauthTokens.getRequestToken(id)
  } catch (error) {
    if (error instanceof NotFound) return null
    throw error
  }
}

/**
 * keystone/auth/plugins/oauth1.py `OAuth.authenticate`: the access token named in the header,
 * not expired, and oauthlib's ResourceEndpoint satisfied (any failure there is one 401).
 */
export async function authenticateAccessToken(
  deps: OAuthFlowDeps,
  request: SignedRequest,
): Promise<AccessToken> {
  const headers = oauthHeaders(request.authorization)
  const accessTokenId = headers.get('oauth_token')
  if (!accessTokenId) throw expectingToFind('oauth_token', 'request')
  const accessToken = await deps.store.oauthTokens.getAccessToken(accessTokenId)
  if (isExpired(deps.clock, accessToken.expiresAt)) {
    throw new Unauthorized(undefined, { cause: new Error('Access token is expired') })
  }
  if (!(await resourceRequestValid(deps, request))) {
    throw new Unauthorized(undefined, { cause: new Error('Could not validate the access token') })
  }
  return accessToken
}

/** oauthlib `validate_protected_resource_request` with Keystone's validator. */
async function resourceRequestValid(deps: OAuthFlowDeps, request: SignedRequest): Promise<boolean> {
  let params: ReadonlyMap<string, string>
  try {
    params = signedParameters(request)
    checkMandatoryParameters(params, deps.clock.now())
  } catch (error) {
    if (error instanceof ValidationError) return false
    throw error
  }
  const ownerKey = params.get('oauth_token') ?? ''
  if (!isTokenFormat(ownerKey)) return false
  const secret = await consumerSecret(deps.store, params.get('oauth_consumer_key') ?? '')
  if (secret === undefined) return false
  let owner: AccessToken
  try {
    owner = await deps.store.oauthTokens.getAccessToken(ownerKey)
  } catch (error) {
    if (error instanceof NotFound) return false
    throw error
  }
  return verifySignature(request, secret, owner.accessSecret)
}
