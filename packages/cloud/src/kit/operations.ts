/**
 * The operator endpoints of a reference service, answered before the auth middleware: oslo's
 * `/healthcheck` (`[healthcheck]`, as nova, cinder, glance and swift mount it; the plain view
 * only: the detailed one is the identity server's) and, with `[metrics] enabled`, `/metrics` with
 * the auth middleware's counts for the addresses in `[metrics] allow_from` (the proxy's client
 * with `[oslo_middleware] enable_proxy_headers_parsing`).
 * @module
 */
import {
  healthcheckAnswer,
  healthcheckOptions,
  healthcheckResults,
  metricsAllowed,
  metricsOptions,
} from '@baton/config'
import { middlewareMetrics } from '@baton/middleware'
import type { FastifyInstance } from 'fastify'
import { clientAddress } from './request_values.ts'
import type { ServiceContext } from './service_context.ts'

/** Paths the auth middleware never guards. */
export const OPERATOR_PATHS: ReadonlySet<string> = new Set(['/healthcheck', '/metrics'])

export function registerServiceOperations(app: FastifyInstance, ctx: ServiceContext): void {
  const { config, auth } = ctx
  const health = config.get(healthcheckOptions)
  app.route({
    method: ['GET', 'HEAD'],
    url: '/healthcheck',
    exposeHeadRoute: false,
    handler: async (request, reply) => {
      const port = request.socket.localPort ?? 0
      const answer = healthcheckAnswer(
        { method: request.method, accept: request.headers.accept, port },
        healthcheckResults(health, port),
      )
      reply.code(answer.status)
      if (answer.contentType !== undefined) reply.header('content-type', answer.contentType)
      return reply.send(answer.body)
    },
  })
  const metrics = config.get(metricsOptions)
  if (!metrics.enabled) return
  const registry = middlewareMetrics(auth.stats)
  app.get('/metrics', async (request, reply) => {
    if (!metricsAllowed(metrics.allow_from, clientAddress(ctx, request))) {
      return reply.code(403).send({
        forbidden: { code: 403, message: 'Metrics are not served to this address.' },
      })
    }
    return reply.header('content-type', registry.contentType).send(await registry.metrics())
  })
}
