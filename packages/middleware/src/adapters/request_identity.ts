/**
 * Where adapters keep the middleware's verdict for a request: a WeakMap keyed by the request object(s),
 * so nothing is bolted onto framework types and nothing outlives the request.
 * @module
 */
import type { RequestIdentity } from '../auth_token.ts'

const identities = new WeakMap<object, RequestIdentity>()

export function rememberIdentity(identity: RequestIdentity, ...requests: readonly object[]): void {
  for (const request of requests) identities.set(request, identity)
}

/**
 * The identity the middleware established for a request (node:http `IncomingMessage`, Express `req`,
 * fastify `request` or `request.raw`); undefined when the request did not pass the middleware.
 */
export function identityOf(request: object): RequestIdentity | undefined {
  return identities.get(request)
}
