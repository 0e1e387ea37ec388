/**
 * The identity server's request logging, as fastify's log controller: one access line per request
 * when it completes (method, URL, client, status and time), instead of fastify's two lines
 * (incoming, completed). The access line is built from fields that never hold a credential, so
 * it skips redaction (~8 us a line with the wildcard paths); everything else (a failed request's
 * error, fastify's own warnings) goes through the request's redacting logger as before.
 * @module
 */
import {
  type FastifyBaseLogger,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify'

export class AccessLogController extends LogController {
  #access: FastifyBaseLogger | undefined

  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    if (error) super.requestCompleted(error, request, reply)
    this.#access ??= request.server.log.child({}, { redact: { paths: [] } })
    this.#access.info(
      {
        reqId: request.id,
        req: {
          method: request.method,
          url: request.url,
          host: request.host,
          remoteAddress: request.ip,
          remotePort: request.socket?.remotePort,
        },
        res: { statusCode: reply.statusCode },
        responseTime: reply.elapsedTime,
      },
      'request completed',
    )
  }
}
