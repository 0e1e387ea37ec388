/**
 * fastify adapter without depending on fastify: `app.addHook('onRequest', hooks.onRequest)` and
 * `app.addHook('onSend', hooks.onSend)` on the instance (or scope) to protect. The types below are the
 * parts of fastify's request and reply the hooks use.
 * @module
 */
import type { IncomingMessage } from 'node:http'
import type { IncomingHeaders } from '../auth_token.ts'
import type { AuthToken } from '../create_auth_token.ts'
import { decideRequest, rewriteHeaders } from './decide.ts'
import { rememberIdentity } from './request_identity.ts'

export type FastifyRequestLike = {
  readonly headers: Record<string, string | string[] | undefined>
  readonly method: string
  readonly url: string
  readonly raw: IncomingMessage
}

export type FastifyReplyLike = {
  readonly statusCode: number
  code(status: number): FastifyReplyLike
  header(name: string, value: string): FastifyReplyLike
  send(payload?: string): FastifyReplyLike
}

export type FastifyAuthTokenHooks = {
  /** Resolves to the reply when the middleware answered (fastify then stops: no route runs). */
  onRequest(
    request: FastifyRequestLike,
    reply: FastifyReplyLike,
  ): Promise<FastifyReplyLike | undefined>
  onSend(request: FastifyRequestLike, reply: FastifyReplyLike, payload: unknown): Promise<unknown>
}

export function fastifyAuthToken(auth: AuthToken): FastifyAuthTokenHooks {
  return {
    async onRequest(request, reply) {
      const decision = await decideRequest(
        auth,
        request.headers as IncomingHeaders,
        request.method,
        request.url,
      )
      rewriteHeaders(request.headers, decision)
      if (decision.action === 'reject') {
        reply.code(decision.status)
        for (const [name, value] of Object.entries(decision.headers)) reply.header(name, value)
        return reply.send(decision.body)
      }
      rememberIdentity(decision.identity, request, request.raw)
      return undefined
    },
    async onSend(_request, reply, payload) {
      if (reply.statusCode === 401) reply.header('WWW-Authenticate', auth.protocol.wwwAuthenticate)
      return payload
    },
  }
}
