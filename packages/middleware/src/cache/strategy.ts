/**
 * Parses `memcache_security_strategy` the way keystonemiddleware accepts it: None, MAC or ENCRYPT,
 * case-insensitive (oslo.config `ignore_case`); anything else, or a strategy without its secret,
 * is a start-up error.
 * @module
 */
import { CacheConfigError } from '../errors.ts'
import type { SecurityStrategy } from './types.ts'

const STRATEGIES: Readonly<Record<string, SecurityStrategy>> = {
  none: 'None',
  mac: 'MAC',
  encrypt: 'ENCRYPT',
}

/** Unset means None (the option's default). The result is always the canonical spelling. */
export function parseSecurityStrategy(value: string | undefined): SecurityStrategy {
  if (value === undefined) return 'None'
  const strategy = STRATEGIES[value.toLowerCase()]
  if (strategy === undefined) {
    throw new CacheConfigError(
      `memcache_security_strategy must be one of None, MAC, ENCRYPT (got ${JSON.stringify(value)})`,
    )
  }
  return strategy
}

/**
 * keystonemiddleware refuses to start when a strategy other than None has no secret (an empty
 * secret counts as none), whether or not a shared cache is configured.
 */
export function requireSecretFor(strategy: SecurityStrategy, secretKey: string | undefined): void {
  if (strategy !== 'None' && (secretKey === undefined || secretKey === '')) {
    throw new CacheConfigError(
      'memcache_secret_key must be defined when a memcache_security_strategy is defined',
    )
  }
}
