/**
 * The middleware's token cache: `TokenCache` (keystonemiddleware's keys and MAC/ENCRYPT envelope)
 * over a memory, memcached or Redis backend, and the helpers that build it from options.
 * @module
 */
export { CacheConfigError } from '../errors.ts'
export { type CacheBackendOptions, cacheBackendFromOptions } from './from_options.ts'
export {
  createMemcachedBackend,
  type MemcachedAddress,
  type MemcachedBackendOptions,
  parseMemcachedServer,
} from './memcached_backend.ts'
export { createMemoryBackend, type MemoryBackendOptions } from './memory_backend.ts'
export { createRedisBackend, type RedisBackendOptions } from './redis_backend.ts'
export { parseSecurityStrategy } from './strategy.ts'
export { TokenCache, type TokenCacheOptions } from './token_cache.ts'
export type {
  CacheBackend,
  CacheLogger,
  SecurityStrategy,
  ValidationMode,
} from './types.ts'
