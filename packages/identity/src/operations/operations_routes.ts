/**
 * The operator endpoints of the identity server, outside the API and never behind token
 * authentication: `/healthcheck` (oslo.middleware's Healthcheck app, which Keystone mounts at
 * that path; the detailed JSON view only for an admin token, see identity_health.ts) and, with
 * `[metrics] enabled`, Prometheus' `/metrics` for the addresses in `[metrics] allow_from`. Also
 * the hook that times every request for the metrics, labelled by route pattern.
 * @module
 */
import {
  type Config,
  type HealthcheckDetails,
  healthcheckAnswer,
  healthcheckOptions,
  healthcheckResults,
  metricsAllowed,
  metricsOptions,
} from '@baton/config'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Forbidden } from '../errors.ts'
import { clientAddress } from '../http/base_url.ts'
import { osloMiddlewareOptions } from '../options.ts'
import type { IdentityMetrics } from './identity_metrics.ts'

export type OperationsContext = {
  readonly config: Config
  /** Present when `[metrics] enabled`. */
  readonly metrics: IdentityMetrics | undefined
  /** The detailed view's facts, or undefined when the caller may not see them. */
  details(request: FastifyRequest): Promise<HealthcheckDetails | undefined>
}

/** The route label of a request: its pattern, or `unmatched` (a 404 has no pattern). */
export function routeLabel(request: FastifyRequest): string {
  return request.routeOptions.url ?? 'unmatched'
}

export function registerOperations(app: FastifyInstance, ctx: OperationsContext): void {
  const health = ctx.config.get(healthcheckOptions)
  const proxyHeaders = ctx.config.get(osloMiddlewareOptions).enable_proxy_headers_parsing
  const healthcheck = async (request: FastifyRequest, reply: FastifyReply) => {
    const port = request.socket.localPort ?? 0
    const results = healthcheckResults(health, port)
    const wantsJson = request.method === 'GET' && health.detailed
    const details = wantsJson ? await ctx.details(request) : undefined
    const answer = healthcheckAnswer(
      { method: request.method, accept: request.headers.accept, port },
      results,
      details,
    )
    reply.code(answer.status)
    if (answer.contentType !== undefined) reply.header('content-type', answer.contentType)
    return reply.send(answer.body)
  }
  app.route({
    method: ['GET', 'HEAD'],
    url: '/healthcheck',
    exposeHeadRoute: false,
    handler: healthcheck,
  })

  const { metrics } = ctx
  if (metrics === undefined) return
  app.addHook('onResponse', (request, reply, done) => {
    metrics.request(request.method, routeLabel(request), reply.statusCode, reply.elapsedTime / 1000)
    done()
  })
  const { allow_from: allowFrom } = ctx.config.get(metricsOptions)
  app.get('/metrics', async (request, reply) => {
    if (!metricsAllowed(allowFrom, clientAddress(request, proxyHeaders))) {
      throw new Forbidden('Metrics are not served to this address ([metrics] allow_from).')
    }
    const text = await metrics.text()
    return reply.header('content-type', metrics.registry.contentType).send(text)
  })
}
