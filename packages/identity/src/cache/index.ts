/**
 * Generation-checked in-process caches for the token validation path.
 * @module
 */
export { GenerationMemo, type GenerationMemoStats } from './generation_memo.ts'
export {
  type CachedMint,
  createValidationCache,
  type ValidationCache,
  type ValidationCacheOptions,
} from './validation_cache.ts'
