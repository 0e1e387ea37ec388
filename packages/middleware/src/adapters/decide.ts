/**
 * What every adapter does with a request, in one place: run the decision (an unexpected failure
 * becomes a 500 with a JSON body, never a stack trace) and rewrite the request's header map as
 * keystonemiddleware rewrites the WSGI environ: forged identity headers out, confirmed ones in.
 * @module
 */
import type { AuthDecision, IncomingHeaders } from '../auth_token.ts'
import type { AuthToken } from '../create_auth_token.ts'
import { FORGEABLE_HEADERS } from '../identity_headers.ts'

const INTERNAL_ERROR = JSON.stringify({
  error: {
    code: 500,
    title: 'Internal Server Error',
    message: 'An unexpected error prevented the server from authenticating the request.',
  },
})

const internalError = (): AuthDecision => ({
  action: 'reject',
  status: 500,
  headers: { 'Content-Type': 'application/json; charset=UTF-8' },
  body: INTERNAL_ERROR,
})

/** Synchronous when the tokens are in the in-process cache (see `AuthTokenProtocol.decide`). */
export function decideRequest(
  auth: AuthToken,
  headers: IncomingHeaders,
  method: string | undefined,
  url: string | undefined,
): AuthDecision | Promise<AuthDecision> {
  try {
    const decision = auth.protocol.decide(headers, { method: method ?? 'GET', path: pathOf(url) })
    return decision instanceof Promise ? decision.catch(internalError) : decision
  } catch {
    return internalError()
  }
}

/** Node-style (lower-cased) header map: forged identity headers removed, the confirmed ones set. */
export function rewriteHeaders(headers: Record<string, unknown>, decision: AuthDecision): void {
  for (const name in headers) {
    if (FORGEABLE_HEADERS.has(name)) delete headers[name]
  }
  if (decision.action !== 'pass') return
  const identity = decision.identity.headers
  for (const name in identity) headers[lowerCase(name)] = identity[name]
}

/** Identity header names are a small fixed set: lower-case each once, not on every request. */
const lowered = new Map<string, string>()
function lowerCase(name: string): string {
  let lower = lowered.get(name)
  if (lower === undefined) {
    lower = name.toLowerCase()
    if (lowered.size < 256) lowered.set(name, lower)
  }
  return lower
}

function pathOf(url: string | undefined): string {
  if (url === undefined) return '/'
  const query = url.indexOf('?')
  const path = query === -1 ? url : url.slice(0, query)
  return path === '' ? '/' : path
}
