/**
 * Where adapters keep the middleware's verdict for a request: a symbol-keyed property of the
 * request object(s), invisible to `for...in`, `Object.keys` and JSON, that dies with the request.
 * (A WeakMap did the same at about a microsecond per request: every entry is an ephemeron the
 * young-generation GC must process.)
 * @module
 */
import type { RequestIdentity } from '../auth_token.ts'

const IDENTITY = Symbol('baton.identity')

type Carrier = { [IDENTITY]?: RequestIdentity }

export function rememberIdentity(identity: RequestIdentity, ...requests: readonly object[]): void {
  for (const request of requests) (request as Carrier)[IDENTITY] = identity
}

/**
 * The identity the middleware established for a request (node:http `IncomingMessage`, Express `req`,
 * fastify `request` or `request.raw`); undefined when the request did not pass the middleware.
 */
export function identityOf(request: object): RequestIdentity | undefined {
  return (request as Carrier)[IDENTITY]
}
