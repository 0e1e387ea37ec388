/**
 * `GET /v3/OS-BATON/keys` (Baton only): the key sets, the rotation guard's facts and the fleet,
 * for the operator console's Keys view and scripts. Policy `identity:baton_keys_status` (admin, or
 * a reader on the system, by default). Fingerprints only: never any key material.
 * @module
 */
import type { FastifyInstance } from 'fastify'
import type { PolicyEnforcer } from '../core/policy_api.ts'
import type { Authenticator } from '../http/authenticate.ts'
import { BATON_KEYS_STATUS } from '../policy/index.ts'
import { type KeysReportSources, keysReport } from './keys_report.ts'

export function registerKeysRoutes(
  app: FastifyInstance,
  ctx: {
    readonly authenticate: Authenticator
    readonly policy: PolicyEnforcer
    readonly keys: KeysReportSources
  },
): void {
  app.get('/v3/OS-BATON/keys', async (request, reply) => {
    const caller = await ctx.authenticate(request)
    ctx.policy.enforce(caller, BATON_KEYS_STATUS, {})
    return reply.header('cache-control', 'no-store').send(await keysReport(ctx.keys))
  })
}
