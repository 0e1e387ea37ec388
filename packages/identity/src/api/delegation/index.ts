/**
 * The OS-BATON delegation area (Baton only; docs/delegation.md): `/v3/OS-BATON/delegations` and
 * the RFC 8693 front door `/v3/OS-BATON/token-exchange` (a fastify context of its own: form
 * bodies). The services arrive built from the composition root (server/identity_server.ts).
 * @module
 */
import { apiArea } from '../router.ts'
import type { DelegationApiContext } from './context.ts'
import { registerDelegationRoutes } from './delegation_routes.ts'

export type { DelegationApiContext } from './context.ts'
export { tokenExchangeApi } from './token_exchange.ts'

export const delegationApi = apiArea<DelegationApiContext>('OS-BATON delegations', [
  registerDelegationRoutes,
])
