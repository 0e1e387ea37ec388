/**
 * The token service: issue, validate, render and revoke Keystone-compatible Fernet tokens
 * (keystone/token/provider.py `Manager`).
 *
 * Validation is keystone's `validate_token`, as the named steps of validation_steps.ts: decode ->
 * mint (user, scope, roles and their enabled checks) -> expiry, with the allow_expired window ->
 * revoked -> the user still enabled; then the caller renders. Every Unauthorized raised on the
 * way becomes a TokenNotFound (404); other NotFounds (a deleted user, a disabled project) keep
 * their message.
 *
 * The service knows nothing of caching: it reads through a `TokenReads` port, which the server
 * composes with or without the generation-checked cache (server/compose_tokens.ts). Times are
 * `EpochMs` throughout; the formatter takes a `Date` at the wire.
 * @module
 */

import type { Clock, EpochMs } from '@baton/config'
import { TokenNotFound, Unauthorized } from '../../errors.ts'
import { type Scope, scopeProjectId } from '../../scope.ts'
import type { Store } from '../../store/index.ts'
import { payloadFieldsOf } from '../../token/payloads.ts'
import type { PayloadFields } from '../../token/token_fields.ts'
import type { CreatedToken, CreateTokenOptions } from '../../token/token_formatter.ts'
import { randomAuditId } from './audit_id.ts'
import type { CatalogService } from './catalog.ts'
import { renderToken, type TokenBody } from './render_token.ts'
import type { TokenModel } from './token_model.ts'
import type { TokenReads } from './token_reads.ts'
import { revocationRetentionSeconds, type TokenSettings } from './token_settings.ts'
import {
  checkDelegationLive,
  checkExpiry,
  checkNotRevoked,
  checkTrustLive,
  checkUserEnabled,
  expiryWindowMs,
  mintFieldsOf,
  type TokenDecoder,
} from './validation_steps.ts'

/** The slice of `TokenFormatter` the service uses. */
export interface TokenCodec extends TokenDecoder {
  createToken(fields: PayloadFields, options?: CreateTokenOptions): CreatedToken
  /** The key set in use: a new object whenever the keys change (rotation, a reload). */
  keySet(): object
}

/** keystone `issue_token`'s arguments, after authentication decided them. */
export interface IssueRequest {
  readonly userId: string
  readonly methods: readonly string[]
  readonly scope: Scope
  /** Re-scoping keeps the original token's expiry (keystone token plugin). */
  readonly expiresAt?: EpochMs | undefined
  readonly parentAuditId?: string | null | undefined
  readonly appCredId?: string | null | undefined
  /** The token's own audit id, when the caller recorded it first (a delegation); else random. */
  readonly auditId?: string | undefined
  /** An OAuth1 access token the token is issued through (payload version 7). */
  readonly accessTokenId?: string | null | undefined
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

export interface RenderBodyOptions {
  readonly includeCatalog?: boolean | undefined
}

export interface TokenService {
  readonly settings: TokenSettings
  issue(request: IssueRequest): Promise<IssuedToken>
  /** @throws TokenNotFound and the other 404s of keystone's validate_token */
  validate(token: string | null | undefined, options?: ValidateOptions): Promise<TokenModel>
  render(model: TokenModel, options?: RenderBodyOptions): Promise<TokenBody>
  /** `render` as JSON text (the server composes a per-model memo around it). */
  renderJson(model: TokenModel, options?: RenderBodyOptions): Promise<string>
  /** The store scope resolution reads (`TokenReads.view`); never for login bookkeeping. */
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
  /** Where minting, revocation verdicts and the catalog come from (cached or not). */
  readonly reads: TokenReads
  /** Told every validation's outcome, and whether the token was a delegation's (for /metrics). */
  readonly onValidation?: ((outcome: ValidationOutcome, delegation: boolean) => void) | undefined
}

/**
 * How a validation ended: `expired_allowed` is an expired token accepted within the
 * allow_expired window; `revoked` includes revoked trusts and delegations; `not_found` is every
 * other refusal (undecodable, unknown key, disabled user or project).
 */
export type ValidationOutcome = 'valid' | 'expired' | 'expired_allowed' | 'revoked' | 'not_found'

export function createTokenService(options: TokenServiceOptions): TokenService {
  const { store, formatter, settings, clock, reads } = options
  const observe = options.onValidation ?? (() => {})

  async function validate(
    token: string | null | undefined,
    validateOptions: ValidateOptions = {},
  ): Promise<TokenModel> {
    if (token === null || token === undefined || token === '') {
      observe('not_found', false)
      throw new TokenNotFound('No token in the request')
    }
    const windowSeconds = validateOptions.allowExpired
      ? (validateOptions.windowSeconds ?? settings.allowExpiredWindowSeconds)
      : 0
    let outcome: ValidationOutcome = 'not_found'
    let delegation = false
    try {
      const { model, isRevoked } = await reads.resolve(token) // decode -> mint
      delegation = model.scope.kind === 'delegation'
      const now = clock.now()
      outcome = 'expired'
      checkExpiry(model, now, expiryWindowMs(model, windowSeconds * 1000))
      outcome = 'revoked'
      checkTrustLive(model, now)
      checkDelegationLive(model, now)
      checkNotRevoked(await isRevoked())
      outcome = 'not_found'
      checkUserEnabled(model)
      outcome = now < model.expiresAt ? 'valid' : 'expired_allowed'
      return model
    } catch (error) {
      // keystone validate_token: `except exception.Unauthorized: raise TokenNotFound(token_id=...)`
      // (Keystone's message echoes the token; Baton's does not.)
      if (error instanceof Unauthorized) throw new TokenNotFound(undefined, { cause: error })
      throw error
    } finally {
      observe(outcome, delegation)
    }
  }

  async function issue(request: IssueRequest): Promise<IssuedToken> {
    const now = clock.now()
    // Tokens carry whole seconds: the expiry counts from the second the Fernet timestamp holds.
    let expiresAt = request.expiresAt ?? wholeSecond(now) + settings.expirationSeconds * 1000
    const appCredId = request.appCredId ?? null
    if (appCredId !== null) {
      // CVE-2022-2447: a token never outlives the application credential it came from.
      const credential = await store.applicationCredentials.get(appCredId)
      const limit = credential.expiresAt === null ? null : credential.expiresAt / 1000 // µs column
      if (limit !== null && wholeSecond(expiresAt) > limit) expiresAt = Math.floor(limit)
    }
    const auditId = request.auditId ?? randomAuditId()
    const parent = request.parentAuditId ?? null
    const created = formatter.createToken(
      payloadFieldsOf({
        userId: request.userId,
        methods: [...new Set(request.methods)],
        expiresAt: new Date(expiresAt),
        auditIds: parent === null ? [auditId] : [auditId, parent],
        scope: request.scope,
        appCredId,
        accessTokenId: request.accessTokenId ?? null,
      }),
      { now: Math.floor(now / 1000) },
    )
    // Mint from what the token decodes to, so the issue response equals what GET returns.
    const model = await reads.mintIssued(created.token, mintFieldsOf(created.decoded))
    return { token: created.token, model }
  }

  async function pruneRevocationEvents(): Promise<number> {
    const horizon = clock.now() - revocationRetentionSeconds(settings) * 1000
    return store.revocation.prune(Math.floor(horizon) * 1000) // µs column
  }

  async function render(model: TokenModel, renderOptions: RenderBodyOptions = {}) {
    const wanted = (renderOptions.includeCatalog ?? true) && model.scope.kind !== 'unscoped'
    return renderToken(model, {
      adminProject: settings.adminProject,
      // keystone render_token: a trust token's catalog is the trustor's
      catalog: wanted
        ? await reads.catalog(model.trust?.trustor.id ?? model.user.id, scopeProjectId(model.scope))
        : undefined,
    })
  }

  return {
    settings,
    issue,
    validate,
    readView: () => reads.view(),
    catalog: (userId, projectId) => reads.catalog(userId, projectId),
    pruneRevocationEvents,
    render,
    renderJson: async (model, renderOptions) => JSON.stringify(await render(model, renderOptions)),
    async revoke(token) {
      const model = await validate(token)
      const revokedAt = Math.floor(clock.now()) * 1000 // µs column
      await store.transaction(async (tx) => {
        await tx.revocation.record({ auditId: model.auditId, revokedAt })
        // Baton: a user token's revocation ends every delegation made from it (and their
        // narrowings), each recorded as its own audit-id event for revocation subscribers; a
        // delegation token's revocation ends it and the delegations narrowed from it.
        const ended = model.delegation
          ? await tx.delegations.revoke(model.delegation.delegation.id)
          : await tx.delegations.revokeForRoot(model.auditId)
        for (const d of ended) {
          if (d.auditId === model.auditId) continue
          await tx.revocation.record({ auditId: d.auditId, revokedAt })
        }
      })
      await pruneRevocationEvents()
      // delegation rows past their deadline (and the revocation buffer) validate nothing any more
      const horizon = clock.now() - settings.revocationBufferSeconds * 1000
      await store.delegations.flushExpired(Math.floor(horizon) * 1000) // µs column
    },
  }
}

function wholeSecond(ms: EpochMs): EpochMs {
  return Math.floor(ms / 1000) * 1000
}
