/**
 * Memos the server composes around the token service's outputs, kept per model object: the
 * validation cache hands out one model per token and generation, and a model renders (and
 * reduces to a Caller) the same every time. A new generation mints a new model, so nothing here
 * outlives the data it was computed from; the WeakMaps let models go with the cache's eviction.
 * @module
 */
import type { Caller } from '../core/caller.ts'
import type { TokenModel } from '../core/tokens/token_model.ts'
import type { TokenService } from '../core/tokens/token_service.ts'

/** `service` whose `renderJson` text is kept per model and `includeCatalog`. */
export function withRenderedJsonMemo(service: TokenService): TokenService {
  const texts = new WeakMap<TokenModel, Map<boolean, string>>()
  return {
    ...service,
    async renderJson(model, options = {}) {
      const includeCatalog = options.includeCatalog ?? true
      let known = texts.get(model)
      const text = known?.get(includeCatalog)
      if (text !== undefined) return text
      const rendered = await service.renderJson(model, { includeCatalog })
      if (known === undefined) {
        known = new Map()
        texts.set(model, known)
      }
      known.set(includeCatalog, rendered)
      return rendered
    },
  }
}

/**
 * `toCaller` kept per model: the Caller, and the policy credentials built from it (cached per
 * Caller), are then built once per token and generation rather than per request.
 */
export function callerMemo<S>(
  toCaller: (model: TokenModel, settings: S) => Caller,
): (model: TokenModel, settings: S) => Caller {
  const callers = new WeakMap<TokenModel, { readonly settings: S; readonly caller: Caller }>()
  return (model, settings) => {
    const known = callers.get(model)
    if (known !== undefined && known.settings === settings) return known.caller
    const caller = toCaller(model, settings)
    callers.set(model, { settings, caller })
    return caller
  }
}
