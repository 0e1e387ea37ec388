/**
 * What the OS-BATON delegation area receives: the API context plus the token service (a
 * delegation answers with a token body) and the delegation service, built by the root.
 * @module
 */
import type { DelegationService } from '../../core/delegations/delegation_service.ts'
import type { TokenService } from '../../core/tokens/index.ts'
import type { ApiContext } from '../context.ts'

export type DelegationApiContext = ApiContext & {
  readonly tokens: TokenService
  readonly delegations: DelegationService
}
