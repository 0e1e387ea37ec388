/**
 * `GET /v3/OS-BATON/keys` (Baton only): the key sets, the rotation guard's facts and the fleet,
 * for the operator console's Keys view and scripts. Policy `identity:baton_keys_status` (admin, or
 * a reader on the system, by default). Fingerprints only: never any key material. An API area
 * of its own (the router's 405 for other methods) since it reads the operator side's sources.
 * @module
 */

import { apiArea } from '../api/router.ts'
import type { PolicyEnforcer } from '../core/policy_api.ts'
import type { Authenticator } from '../http/authenticate.ts'
import { BATON_KEYS_STATUS } from '../policy/index.ts'
import { type KeysReportSources, keysReport } from './keys_report.ts'

export type KeysApiContext = {
  readonly authenticate: Authenticator
  readonly policy: PolicyEnforcer
  readonly keys: KeysReportSources
}

export const keysApi = apiArea<KeysApiContext>('OS-BATON keys', [
  (router, ctx) => {
    router.route('GET', '/v3/OS-BATON/keys', async (request) => {
      const caller = await ctx.authenticate(request)
      ctx.policy.enforce(caller, BATON_KEYS_STATUS, {})
      return {
        status: 200,
        body: await keysReport(ctx.keys),
        headers: { 'cache-control': 'no-store' },
      }
    })
  },
])
