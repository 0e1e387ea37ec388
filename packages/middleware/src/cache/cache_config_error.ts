/**
 * The cache's start-up error: a `[keystone_authtoken]` cache setting that cannot work. It is a
 * `MiddlewareConfigError` (same stable code), so callers handle every configuration error alike.
 * @module
 */
import { MiddlewareConfigError } from '../errors.ts'

export class CacheConfigError extends MiddlewareConfigError {}
