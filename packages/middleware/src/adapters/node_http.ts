/**
 * node:http adapter (also what Express and Connect use): rewrites `req.headers` the way
 * keystonemiddleware rewrites the WSGI environ, answers rejections itself, and adds
 * `WWW-Authenticate` to any 401 the application sends.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AuthToken } from '../create_auth_token.ts'
import { FORGEABLE_HEADERS } from '../identity_headers.ts'
import { decideRequest, rewriteHeaders } from './decide.ts'
import { rememberIdentity } from './request_identity.ts'

type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>

/** Wraps a node:http request handler; the handler only runs for requests the middleware passes. */
export function guardHandler(auth: AuthToken, handler: Handler): Handler {
  return async (req, res) => {
    if (await authenticateNodeRequest(auth, req, res)) await handler(req, res)
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
  const decision = await decideRequest(auth, req.headers, req.method, req.url)
  rewriteHeaders(req.headers, decision)
  stripForgedRawHeaders(req)
  if (decision.action === 'reject') {
    res.writeHead(decision.status, decision.headers)
    res.end(decision.body)
    return false
  }
  rememberIdentity(decision.identity, req)
  addChallengeTo401(res, auth.protocol.wwwAuthenticate)
  return true
}

/** `rawHeaders` too, for frameworks that read them. */
function stripForgedRawHeaders(req: IncomingMessage): void {
  const raw = req.rawHeaders
  const kept: string[] = []
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] ?? ''
    if (!FORGEABLE_HEADERS.has(name.toLowerCase())) kept.push(name, raw[i + 1] ?? '')
  }
  raw.splice(0, raw.length, ...kept)
}

/** Node writes implicit headers through writeHead too, so this sees every response. */
function addChallengeTo401(res: ServerResponse, challenge: string): void {
  const writeHead = res.writeHead
  const patched = function (
    this: ServerResponse,
    ...args: Parameters<ServerResponse['writeHead']>
  ) {
    const status = typeof args[0] === 'number' ? args[0] : res.statusCode
    if (status === 401) {
      // headers passed to writeHead win over setHeader, so put the challenge in both places
      res.setHeader('WWW-Authenticate', challenge)
      const extra = args.find((a, i) => i > 0 && typeof a === 'object' && a !== null)
      if (extra !== undefined && !Array.isArray(extra)) {
        ;(extra as Record<string, unknown>)['WWW-Authenticate'] = challenge
      }
    }
    return writeHead.apply(this, args)
  } as ServerResponse['writeHead']
  res.writeHead = patched
}
