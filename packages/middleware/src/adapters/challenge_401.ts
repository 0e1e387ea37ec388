/**
 * `WWW-Authenticate` on the application's own 401s (keystonemiddleware adds it to every 401), for
 * node:http and Express. fastify has a documented hook for this (`onSend`, see `fastify.ts`); these
 * two do not:
 * - node:http emits no event before the status line and headers go out, and it writes them, implicit
 *   ones included, through `res.writeHead`: the only place a handler's final status is seen in time.
 * - a `ServerResponse` subclass (`createServer({ ServerResponse })`) would override writeHead
 *   without touching an instance, but it needs the server's owner (`guardHandler` only gets a
 *   handler's arguments) and Express replaces every response's prototype with its own, so the
 *   subclass is gone before the route runs.
 * So this wraps `writeHead` on the one response, only for requests the middleware passed (its own
 * 401s carry the header already), and nowhere else; the `on-headers` package Express and Connect
 * middleware use does the same. One shared function reads its state from the response: no closure
 * per request.
 * @module
 */
import type { ServerResponse } from 'node:http'

const CHALLENGE = Symbol('baton.wwwAuthenticate')
const WRITE_HEAD = Symbol('baton.writeHead')

type ChallengedResponse = ServerResponse & {
  [CHALLENGE]: string
  [WRITE_HEAD]: ServerResponse['writeHead']
}

/** From now on, a 401 sent on `res` carries `WWW-Authenticate: <challenge>`. */
export function challengeOn401(res: ServerResponse, challenge: string): void {
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
