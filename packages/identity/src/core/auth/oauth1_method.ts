/**
 * The `oauth1` auth method (keystone/auth/plugins/oauth1.py): the request to `/v3/auth/tokens`
 * is signed by a consumer with an access token; the new token is the access token's authorizing
 * user's, scoped to its project (authenticate.ts applies that scope) and carrying its id, so
 * validation renders `OS-OAUTH1` and only the access token's roles (payload version 7).
 * @module
 */
import { Unauthorized } from '../../errors.ts'
import { authenticateAccessToken } from '../oauth1/oauth_flow.ts'
import type { AuthMethodFactory } from './auth_method.ts'

export const oauth1Method: AuthMethodFactory = (deps) => ({
  name: 'oauth1',
  async authenticate({ http }) {
    if (http === undefined) {
      throw new Unauthorized(undefined, { cause: new Error('oauth1 needs the signed request') })
    }
    const flow = {
      store: deps.store,
      clock: deps.clock,
      requestTokenDuration: 0,
      accessTokenDuration: 0,
    }
    const accessToken = await authenticateAccessToken(flow, http)
    return {
      userId: accessToken.authorizingUserId,
      oauth: { accessTokenId: accessToken.id, projectId: accessToken.projectId },
    }
  },
})
