/**
 * node:http adapter (also what Express and Connect use): rewrites `req.headers` the way
 * keystonemiddleware rewrites the WSGI environ, answers rejections itself, and adds
 * `WWW-Authenticate` to any 401 the application sends (`challenge_401.ts`).
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AuthDecision } from '../auth_token.ts'
import type { AuthToken } from '../create_auth_token.ts'
import { FORGEABLE_HEADERS } from '../identity_headers.ts'
import { challengeOn401 } from './challenge_401.ts'
import { decideRequest, rewriteHeaders } from './decide.ts'
import { rememberIdentity } from './request_identity.ts'

type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>

/** Wraps a node:http request handler; the handler only runs for requests the middleware passes. */
export function guardHandler(auth: AuthToken, handler: Handler): Handler {
  return async (req, res) => {
    // a cached token is decided synchronously: the handler then runs in the same tick
    const pending = decideRequest(auth, req.headers, req.method, req.url)
    const decision = pending instanceof Promise ? await pending : pending
    if (!applyDecision(auth, req, res, decision)) return
    const done = handler(req, res)
    if (done instanceof Promise) await done
  }
}

/**
 * Runs the middleware on one request. True: the request goes on (headers rewritten, identity
 * remembered). False: the response has been sent.
 */
export async function authenticateNodeRequest(
  auth: AuthToken,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  return applyDecision(auth, req, res, await decideRequest(auth, req.headers, req.method, req.url))
}

/** What `authenticateNodeRequest` does once the decision is known. */
export function applyDecision(
  auth: AuthToken,
  req: IncomingMessage,
  res: ServerResponse,
  decision: AuthDecision,
): boolean {
  rewriteHeaders(req.headers, decision)
  stripForgedRawHeaders(req)
  if (decision.action === 'reject') {
    res.writeHead(decision.status, decision.headers)
    res.end(decision.body)
    return false
  }
  rememberIdentity(decision.identity, req)
  challengeOn401(res, auth.protocol.wwwAuthenticate)
  return true
}

/** `rawHeaders` too, for frameworks that read them (rebuilt only when a forged one is there). */
function stripForgedRawHeaders(req: IncomingMessage): void {
  const raw = req.rawHeaders
  let forged = false
  for (let i = 0; i < raw.length && !forged; i += 2) {
    forged = FORGEABLE_HEADERS.has((raw[i] ?? '').toLowerCase())
  }
  if (!forged) return
  const kept: string[] = []
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] ?? ''
    if (!FORGEABLE_HEADERS.has(name.toLowerCase())) kept.push(name, raw[i + 1] ?? '')
  }
  raw.splice(0, raw.length, ...kept)
}
