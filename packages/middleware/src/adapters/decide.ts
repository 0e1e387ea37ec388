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

export async function decideRequest(
  auth: AuthToken,
  headers: IncomingHeaders,
  method: string | undefined,
  url: string | undefined,
): Promise<AuthDecision> {
  try {
    return await auth.protocol.decide(headers, { method: method ?? 'GET', path: pathOf(url) })
  } catch {
    return {
      action: 'reject',
      status: 500,
      headers: { 'Content-Type': 'application/json; charset=UTF-8' },
      body: INTERNAL_ERROR,
    }
  }
}

/** Node-style (lower-cased) header map: forged identity headers removed, the confirmed ones set. */
export function rewriteHeaders(headers: Record<string, unknown>, decision: AuthDecision): void {
  for (const name of Object.keys(headers)) {
    if (FORGEABLE_HEADERS.has(name)) delete headers[name]
  }
  if (decision.action !== 'pass') return
  for (const [name, value] of Object.entries(decision.identity.headers)) {
    headers[name.toLowerCase()] = value
  }
}

function pathOf(url: string | undefined): string {
  const path = (url ?? '/').split('?', 1)[0] ?? '/'
  return path === '' ? '/' : path
}
