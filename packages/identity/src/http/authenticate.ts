/**
 * `ApiContext.authenticate`: the caller behind a request's `X-Auth-Token`, validated as Keystone's
 * auth middleware validates it (never with allow_expired). A missing, malformed, expired or
 * revoked token, or any other validation failure (a deleted user, a disabled project), is the
 * generic 401; the error handler adds `WWW-Authenticate`. Keystone 22 lets the non-TokenNotFound
 * failures escape its middleware as 404s; a 401 is what the caller needs to hear.
 * @module
 */
import type { FastifyRequest } from 'fastify'
import type { Caller } from '../core/caller.ts'
import { callerOf, type TokenService } from '../core/tokens/index.ts'
import { KeystoneError, Unauthorized } from '../errors.ts'

export type Authenticator = (request: FastifyRequest) => Promise<Caller>

/** The first value of a header; Node joins repeated ones with ", " (then no token matches). */
export function headerValue(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name]
  return Array.isArray(value) ? value[0] : value
}

/** `toCaller` is where the server composes its per-model memo. */
export function createAuthenticator(
  tokens: TokenService,
  toCaller: typeof callerOf = callerOf,
): Authenticator {
  return async (request) => {
    const token = headerValue(request, 'x-auth-token')
    if (token === undefined || token === '') {
      throw new Unauthorized(undefined, { cause: new Error('no X-Auth-Token') })
    }
    try {
      return toCaller(await tokens.validate(token), tokens.settings)
    } catch (error) {
      // 5xx (no keys, a broken database) stay 5xx; every validation answer becomes a 401
      if (error instanceof KeystoneError && error.status < 500) {
        throw new Unauthorized(undefined, { cause: error })
      }
      throw error
    }
  }
}
