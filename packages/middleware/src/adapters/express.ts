/**
 * Express / Connect adapter: `app.use(expressAuthToken(auth))`. Express requests are node:http
 * requests, so this is the node:http adapter in middleware form.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AuthToken } from '../create_auth_token.ts'
import { decideRequest } from './decide.ts'
import { applyDecision } from './node_http.ts'

export type ConnectMiddleware = (
  req: IncomingMessage,
  res: ServerResponse,
  next: (error?: unknown) => void,
) => void

export function expressAuthToken(auth: AuthToken): ConnectMiddleware {
  return (req, res, next) => {
    const pending = decideRequest(auth, req.headers, req.method, req.url)
    if (pending instanceof Promise) {
      pending.then(
        (decision) => {
          if (applyDecision(auth, req, res, decision)) next()
        },
        (error: unknown) => next(error),
      )
      return
    }
    // a cached token: decided synchronously, the next handler runs in the same tick
    let pass: boolean
    try {
      pass = applyDecision(auth, req, res, pending)
    } catch (error) {
      next(error)
      return
    }
    if (pass) next()
  }
}
