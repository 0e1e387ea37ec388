/**
 * The shapes shared by the token cache and its backends: the raw string store a backend provides,
 * the security strategies of `memcache_security_strategy`, and the two validation modes whose
 * results are cached apart.
 * @module
 */

/** A raw string store. Backends may throw or reject; `TokenCache` turns every failure into a miss. */
export interface CacheBackend {
  get(key: string): Promise<string | undefined>
  /** `ttlSeconds` is a whole number ≥ 1 (`TokenCache` never stores anything shorter). */
  set(key: string, value: string, ttlSeconds: number): Promise<void>
  close(): Promise<void>
  /** 'memory' | 'memcached' | 'redis', for logs and `baton doctor`. */
  readonly name: string
}

/** keystonemiddleware's `memcache_security_strategy`, normalised to its documented spelling. */
export type SecurityStrategy = 'None' | 'MAC' | 'ENCRYPT'

/** A plain validation, or one with `allow_expired=1` (vouched for by a service token). */
export type ValidationMode = 'strict' | 'allow_expired'

export type CacheLogger = { warn(message: string): void }
