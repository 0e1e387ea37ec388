/**
 * node:http adapter (also what Express and Connect use): rewrites `req.headers` the way
 * keystonemiddleware rewrites the WSGI environ, answers rejections itself, and adds
 * `WWW-Authenticate` to any 401 the application sends.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AuthDecision } from '../auth_token.ts'
import type { AuthToken } from '../create_auth_token.ts'
import { FORGEABLE_HEADERS } from '../identity_headers.ts'
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
  addChallengeTo401(res, auth.protocol.wwwAuthenticate)
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

const CHALLENGE = Symbol('baton.wwwAuthenticate')
const WRITE_HEAD = Symbol('baton.writeHead')

type ChallengedResponse = ServerResponse & {
  [CHALLENGE]: string
  [WRITE_HEAD]: ServerResponse['writeHead']
}

/**
 * Node writes implicit headers through writeHead too, so this sees every response. One shared
 * function reads its state from the response: no closure per request.
 */
function addChallengeTo401(res: ServerResponse, challenge: string): void {
  const challenged = res as ChallengedResponse
  challenged[CHALLENGE] = challenge
  challenged[WRITE_HEAD] = res.writeHead
  res.writeHead = writeHeadWithChallenge as ServerResponse['writeHead']
}

function writeHeadWithChallenge(
  this: ChallengedResponse,
  ...args: Parameters<ServerResponse['writeHead']>
): ServerResponse {
  const status = typeof args[0] === 'number' ? args[0] : this.statusCode
  if (status === 401) {
    const challenge = this[CHALLENGE]
    // headers passed to writeHead win over setHeader, so put the challenge in both places
    this.setHeader('WWW-Authenticate', challenge)
    const extra = args.find((a, i) => i > 0 && typeof a === 'object' && a !== null)
    if (extra !== undefined && !Array.isArray(extra)) {
      ;(extra as Record<string, unknown>)['WWW-Authenticate'] = challenge
    }
  }
  return this[WRITE_HEAD].apply(this, args)
}
