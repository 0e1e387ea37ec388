/**
 * `GET /v3/OS-BATON/chains` (Baton only): the delegation chain's services, each hop coloured by
 * `baton doctor`'s findings over the services' config files (read fresh on every request, so a
 * config edited on disk shows on the next refresh), for the operator console's Chains view.
 * Policy `identity:baton_chains` (admin, or a reader on the system, by default). Findings name
 * files, options and users, never a password or a token.
 * @module
 */

import { apiArea } from '../api/router.ts'
import type { PolicyEnforcer } from '../core/policy_api.ts'
import type { Authenticator } from '../http/authenticate.ts'
import { BATON_CHAINS } from '../policy/index.ts'
import { type ChainsReportSources, chainsReport } from './chains_report.ts'

export type ChainsApiContext = {
  readonly authenticate: Authenticator
  readonly policy: PolicyEnforcer
  readonly chains: ChainsReportSources
}

export const chainsApi = apiArea<ChainsApiContext>('OS-BATON chains', [
  (router, ctx) => {
    router.route('GET', '/v3/OS-BATON/chains', async (request) => {
      const caller = await ctx.authenticate(request)
      ctx.policy.enforce(caller, BATON_CHAINS, {})
      return {
        status: 200,
        body: await chainsReport(ctx.chains),
        headers: { 'cache-control': 'no-store' },
      }
    })
  },
])
