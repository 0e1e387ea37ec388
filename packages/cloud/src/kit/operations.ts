/**
 * The operator endpoints of a reference service, answered before the auth middleware: oslo's
 * `/healthcheck` (`[healthcheck]`, as nova, cinder, glance and swift mount it; the plain view
 * only: the detailed one is the identity server's) and, with `[metrics] enabled`, `/metrics` with
 * the auth middleware's counts for the addresses in `[metrics] allow_from`.
 * @module
 */
import {
  type Config,
  healthcheckAnswer,
  healthcheckOptions,
  healthcheckResults,
  metricsAllowed,
  metricsOptions,
} from '@baton/config'
import { type AuthToken, middlewareMetrics } from '@baton/middleware'
import type { FastifyInstance } from 'fastify'

/** Paths the auth middleware never guards. */
export const OPERATOR_PATHS: ReadonlySet<string> = new Set(['/healthcheck', '/metrics'])

export function registerServiceOperations(
  app: FastifyInstance,
  config: Config,
  auth: AuthToken,
): void {
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
    if (!metricsAllowed(metrics.allow_from, request.socket.remoteAddress)) {
      return reply.code(403).send({
        forbidden: { code: 403, message: 'Metrics are not served to this address.' },
      })
    }
    return reply.header('content-type', registry.contentType).send(await registry.metrics())
  })
}
