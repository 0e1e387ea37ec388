/**
 * The composition of the token service: the one place that decides what is cached. The service
 * itself (core/tokens/token_service.ts) reads through a `TokenReads` port and knows nothing of
 * caching; here the generation-checked reads (cache/cached_token_reads.ts) take the direct reads'
 * place, and memos wrap its outputs (rendered JSON bodies, Callers).
 * @module
 */
import type { Clock } from '@baton/config'
import { cachedTokenReads } from '../cache/cached_token_reads.ts'
import type { ValidationCache } from '../cache/index.ts'
import { callerMemo, withRenderedJsonMemo } from '../cache/rendered_bodies.ts'
import {
  callerOf,
  createTokenService,
  type TokenCodec,
  type TokenService,
  type TokenServiceOptions,
  type TokenSettings,
} from '../core/tokens/index.ts'
import { directTokenReads } from '../core/tokens/token_reads.ts'
import type { Store } from '../store/index.ts'

export interface TokenServiceParts {
  readonly store: Store
  readonly formatter: TokenCodec
  readonly settings: TokenSettings
  readonly clock: Clock
  /** Generation-checked, so writes by other processes on the database invalidate it. */
  readonly validationCache?: ValidationCache | undefined
  /** Told every validation's outcome (for /metrics). */
  readonly onValidation?: TokenServiceOptions['onValidation']
}

export interface ComposedTokens {
  readonly tokens: TokenService
  /** `callerOf`, memoised per model when the service is cached. */
  readonly callerOf: typeof callerOf
}

export function composeTokenService(parts: TokenServiceParts): ComposedTokens {
  const { store, formatter, settings, clock, validationCache, onValidation } = parts
  const substitutions = {
    publicEndpoint: settings.publicEndpoint,
    returnAllEndpointsIfNoFilter: settings.returnAllEndpointsIfNoFilter,
  }
  const trust = { maxRedelegationCount: settings.maxRedelegationCount ?? 3 }
  if (validationCache === undefined) {
    const reads = directTokenReads(store, formatter, substitutions, trust)
    return {
      tokens: createTokenService({ store, formatter, settings, clock, reads, onValidation }),
      callerOf,
    }
  }
  const reads = cachedTokenReads(store, formatter, validationCache, substitutions, trust)
  const tokens = createTokenService({ store, formatter, settings, clock, reads, onValidation })
  return { tokens: withRenderedJsonMemo(tokens), callerOf: callerMemo(callerOf) }
}
