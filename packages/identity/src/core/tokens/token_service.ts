/**
 * The token service: issue, validate, render and revoke Keystone-compatible Fernet tokens
 * (keystone/token/provider.py `Manager`).
 *
 * Validation is keystone's `validate_token`, in its order: decode -> mint (user, scope, roles
 * and their enabled checks) -> expiry against `now`, strictly, with the allow_expired window ->
 * revocation events -> the user still enabled. Every Unauthorized raised on the way becomes a
 * TokenNotFound (404); other NotFounds (a deleted user, a disabled project) keep their message.
 *
 * Round-trips for a valid project-scoped token: two concurrent rounds for mint, one for the
 * revocation events. With a `ValidationCache` (the server's), at most one: the cache generation
 * (on SQLite shared within an event-loop turn); then the minted model with its revocation verdict,
 * role expansions, users, projects, the catalog and the rendered body come from memory when they
 * were computed at that same generation. A cached mint is keyed by the key set and the token, so
 * a hit skips decryption too; the expiry is checked on every call.
 * @module
 */

import { hash } from 'node:crypto'
import type { Clock } from '@baton/config'
import type { ValidationCache } from '../../cache/index.ts'
import { TokenNotFound, Unauthorized, UserDisabled } from '../../errors.ts'
import type { Store } from '../../store/index.ts'
import type { DecodedToken, TokenFields } from '../../token/token_fields.ts'
import type { CreatedToken, CreateTokenOptions } from '../../token/token_formatter.ts'
import { randomAuditId } from './audit_id.ts'
import { catalogAt, isRevokedAt, storeAtGeneration } from './cached_reads.ts'
import { type CatalogService, renderCatalog } from './catalog.ts'
import { mintFieldsOf } from './decoded_fields.ts'
import { mintToken } from './mint.ts'
import { renderToken, type TokenBody } from './render_token.ts'
import { isRevoked } from './revocation_check.ts'
import { projectIdOf, type TokenModel } from './token_model.ts'
import { revocationRetentionSeconds, type TokenSettings } from './token_settings.ts'
import { keystoneTime, keystoneTimeMs } from './token_time.ts'

/** The slice of `TokenFormatter` the service uses. */
export interface TokenCodec {
  createToken(fields: TokenFields, options?: CreateTokenOptions): CreatedToken
  validateToken(token: string): DecodedToken
  /** The key set in use: a new object whenever the keys change (rotation, a reload). */
  keySet(): object
}

export type RequestedScope =
  | { readonly kind: 'unscoped' }
  | { readonly kind: 'project'; readonly projectId: string }
  | { readonly kind: 'domain'; readonly domainId: string }
  | { readonly kind: 'system' }

/** keystone `issue_token`'s arguments, after authentication decided them. */
export interface IssueRequest {
  readonly userId: string
  readonly methods: readonly string[]
  readonly scope: RequestedScope
  /** Re-scoping keeps the original token's expiry (keystone token plugin). */
  readonly expiresAt?: string | undefined
  readonly parentAuditId?: string | null | undefined
  readonly appCredId?: string | null | undefined
}

export interface IssuedToken {
  /** The token itself: goes to `X-Subject-Token` and nowhere else. */
  readonly token: string
  readonly model: TokenModel
}

export interface ValidateOptions {
  /** `?allow_expired=true`: accept tokens expired less than the window ago. */
  readonly allowExpired?: boolean | undefined
  /** Overrides `[token] allow_expired_window` when allowExpired is set. */
  readonly windowSeconds?: number | undefined
}

export interface TokenService {
  readonly settings: TokenSettings
  issue(request: IssueRequest): Promise<IssuedToken>
  /** @throws TokenNotFound and the other 404s of keystone's validate_token */
  validate(token: string | null | undefined, options?: ValidateOptions): Promise<TokenModel>
  render(model: TokenModel, options?: { readonly includeCatalog?: boolean }): Promise<TokenBody>
  /**
   * `render` as JSON text, kept per model object: the validation cache hands out one model per
   * token and generation, and it renders the same every time.
   */
  renderJson(model: TokenModel, options?: { readonly includeCatalog?: boolean }): Promise<string>
  /**
   * The store with users, projects, domains and role expansions read through the validation
   * cache at the current generation (see `storeAtGeneration`); the plain store without a cache.
   * For scope resolution, never for login bookkeeping.
   */
  readView(): Promise<Store>
  /** keystone `get_v3_catalog(user_id, project_id)`. */
  catalog(userId: string, projectId: string | null): Promise<CatalogService[]>
  /** `DELETE /v3/auth/tokens`: validates, records an audit-id event, prunes old events. */
  revoke(token: string | null | undefined): Promise<void>
  /** Deletes events older than `revocationRetentionSeconds`; returns how many. */
  pruneRevocationEvents(): Promise<number>
}

export interface TokenServiceOptions {
  readonly store: Store
  readonly formatter: TokenCodec
  readonly settings: TokenSettings
  readonly clock: Clock
  /** Generation-checked caches, safe with other processes writing the same database. */
  readonly validationCache?: ValidationCache | undefined
}

const FAILED = 'Failed to validate token'

export function createTokenService(options: TokenServiceOptions): TokenService {
  const { store, formatter, settings, clock, validationCache } = options

  interface Resolved {
    readonly model: TokenModel
    /** Known from a cached revocation check, else undefined. */
    readonly revoked?: boolean
  }

  /**
   * Mints are cached per key set and token: after a rotation drops the key that signed a token,
   * its next validation misses and decryption refuses it.
   */
  const keySetTags = new WeakMap<object, string>()
  let keySetCount = 0
  function mintKey(token: string): string {
    const keys = formatter.keySet()
    let tag = keySetTags.get(keys)
    if (tag === undefined) {
      tag = String(++keySetCount)
      keySetTags.set(keys, tag)
    }
    // A hash, never the token (DESIGN.md); the one-shot `crypto.hash` costs ~1 us.
    return `${tag}:${hash('sha256', token, 'base64url')}`
  }

  /** Parsed once per model object: a cached model is checked on every request. */
  const expiries = new WeakMap<TokenModel, number>()
  function expiryMs(model: TokenModel): number {
    let ms = expiries.get(model)
    if (ms === undefined) {
      ms = keystoneTimeMs(model.expiresAt)
      expiries.set(model, ms)
    }
    return ms
  }

  /** Decode and mint, or take a cached mint. */
  async function resolve(token: string): Promise<Resolved> {
    if (validationCache !== undefined) {
      // Generation first: what is computed after it is at least as new as it.
      const generation = await store.generation.current()
      // A hit skips the decryption too: under the same keys, the same token decrypts the same.
      const cached = await validationCache.mints.get(generation, mintKey(token), async () => {
        const fields = mintFieldsOf(formatter.validateToken(token))
        const model = await mintToken(storeAtGeneration(store, validationCache, generation), fields)
        return { model, revoked: await isRevokedAt(store, validationCache, generation, model) }
      })
      return cached
    }
    return { model: await mintToken(store, mintFieldsOf(formatter.validateToken(token))) }
  }

  async function validate(
    token: string | null | undefined,
    validateOptions: ValidateOptions = {},
  ): Promise<TokenModel> {
    if (token === null || token === undefined || token === '') {
      throw new TokenNotFound('No token in the request')
    }
    const window = validateOptions.allowExpired
      ? (validateOptions.windowSeconds ?? settings.allowExpiredWindowSeconds)
      : 0
    try {
      const { model, revoked } = await resolve(token)
      // keystone `_is_valid_token`: `current_time < expiry`, revocation only when not expired
      if (!(clock.now() < expiryMs(model) + window * 1000)) {
        throw new TokenNotFound(FAILED)
      }
      if (revoked ?? (await isRevoked(store.revocation, model))) throw new TokenNotFound(FAILED)
      // The user still enabled (upstream bug 2122615; not in Keystone 22): a disable that
      // recorded no revocation event (e.g. a read-only backend) still ends the token. A cached
      // model's user is as current as its generation.
      if (!model.user.enabled) throw new UserDisabled(model.user.id)
      return model
    } catch (error) {
      // keystone validate_token: `except exception.Unauthorized: raise TokenNotFound(token_id=...)`
      // (Keystone's message echoes the token; Baton's does not.)
      if (error instanceof Unauthorized) throw new TokenNotFound(undefined, { cause: error })
      throw error
    }
  }

  async function issue(request: IssueRequest): Promise<IssuedToken> {
    const nowSeconds = Math.floor(clock.now() / 1000)
    let expiresAt: string | Date =
      request.expiresAt ?? keystoneTime((nowSeconds + settings.expirationSeconds) * 1000)
    const appCredId = request.appCredId ?? null
    if (appCredId !== null) {
      // CVE-2022-2447: a token never outlives the application credential it came from.
      const credential = await store.applicationCredentials.get(appCredId)
      const limit = credential.expiresAt
      if (limit !== null && keystoneTimeMs(keystoneTimeOf(expiresAt)) * 1000 > limit) {
        expiresAt = new Date(Math.floor(limit / 1000))
      }
    }
    const auditId = randomAuditId()
    const parent = request.parentAuditId ?? null
    const { scope } = request
    const created = formatter.createToken(
      {
        userId: request.userId,
        methods: [...new Set(request.methods)],
        expiresAt,
        auditIds: parent === null ? [auditId] : [auditId, parent],
        system: scope.kind === 'system' ? 'all' : null,
        domainId: scope.kind === 'domain' ? scope.domainId : null,
        projectId: scope.kind === 'project' ? scope.projectId : null,
        appCredId,
      },
      { now: nowSeconds },
    )
    // Mint from what the token decodes to, so the issue response equals what GET returns.
    const fields = mintFieldsOf(created.decoded)
    if (validationCache === undefined)
      return { token: created.token, model: await mintToken(store, fields) }
    const generation = await store.generation.current()
    const model = await mintToken(storeAtGeneration(store, validationCache, generation), fields)
    // The new token is usually validated next (by the service it is sent to): that validation
    // finds this mint instead of repeating it.
    await validationCache.mints.get(generation, mintKey(created.token), async () => ({
      model,
      revoked: await isRevokedAt(store, validationCache, generation, model),
    }))
    return { token: created.token, model }
  }

  async function readView(): Promise<Store> {
    if (validationCache === undefined) return store
    return storeAtGeneration(store, validationCache, await store.generation.current())
  }

  async function catalog(userId: string, projectId: string | null): Promise<CatalogService[]> {
    const substitutions = { publicEndpoint: settings.publicEndpoint }
    if (validationCache !== undefined) {
      return catalogAt(store, validationCache, { userId, projectId }, substitutions)
    }
    const entries = await store.catalog.listCatalog()
    return renderCatalog(entries, userId, projectId, substitutions)
  }

  async function pruneRevocationEvents(): Promise<number> {
    const horizonMs = clock.now() - revocationRetentionSeconds(settings) * 1000
    return store.revocation.prune(Math.floor(horizonMs) * 1000)
  }

  async function render(model: TokenModel, renderOptions: { includeCatalog?: boolean } = {}) {
    const wanted = (renderOptions.includeCatalog ?? true) && model.scope.kind !== 'unscoped'
    return renderToken(model, {
      adminProject: settings.adminProject,
      catalog: wanted ? await catalog(model.user.id, projectIdOf(model)) : undefined,
    })
  }

  const renderedJson = new WeakMap<TokenModel, Map<boolean, string>>()

  return {
    settings,
    issue,
    validate,
    readView,
    catalog,
    pruneRevocationEvents,
    render,
    async renderJson(model, renderOptions = {}) {
      const includeCatalog = renderOptions.includeCatalog ?? true
      let texts = renderedJson.get(model)
      const known = texts?.get(includeCatalog)
      if (known !== undefined) return known
      const text = JSON.stringify(await render(model, { includeCatalog }))
      if (texts === undefined) {
        texts = new Map()
        renderedJson.set(model, texts)
      }
      texts.set(includeCatalog, text)
      return text
    },
    async revoke(token) {
      const model = await validate(token)
      await store.revocation.record({
        auditId: model.auditId,
        revokedAt: Math.floor(clock.now()) * 1000,
      })
      await pruneRevocationEvents()
    },
  }
}

function keystoneTimeOf(value: string | Date): string {
  return typeof value === 'string' ? value : keystoneTime(value.getTime())
}
