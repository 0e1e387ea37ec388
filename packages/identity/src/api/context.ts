/**
 * What every API route receives: configuration, the store, policy, the clock, and the request
 * authenticator. Built once per server in `server/` and passed to each area's `register*Routes`.
 * @module
 */
import type { Clock, Config } from '@baton/config'
import type { FastifyRequest } from 'fastify'
import type { Caller } from '../core/caller.ts'
import type { PolicyEnforcer } from '../core/policy_api.ts'
import type { HttpContext } from '../http/app.ts'
import type { Store } from '../store/index.ts'

export type ApiContext = HttpContext & {
  readonly config: Config
  readonly store: Store
  readonly policy: PolicyEnforcer
  readonly clock: Clock
  /**
   * Validates the request's X-Auth-Token (never with allow_expired) and returns the caller;
   * throws Unauthorized (401) when it is missing, invalid, expired or revoked.
   */
  authenticate(request: FastifyRequest): Promise<Caller>
}
