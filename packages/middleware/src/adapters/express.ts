/**
 * Express / Connect adapter: `app.use(expressAuthToken(auth))`. Express requests are node:http
 * requests, so this is the node:http adapter in middleware form.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AuthToken } from '../create_auth_token.ts'
import { authenticateNodeRequest } from './node_http.ts'

export type ConnectMiddleware = (
  req: IncomingMessage,
  res: ServerResponse,
  next: (error?: unknown) => void,
) => void

export function expressAuthToken(auth: AuthToken): ConnectMiddleware {
  return (req, res, next) => {
    authenticateNodeRequest(auth, req, res).then(
      (pass) => {
        if (pass) next()
      },
      (error: unknown) => next(error),
    )
  }
}
