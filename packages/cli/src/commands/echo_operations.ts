/**
 * `/healthcheck` and (with `[metrics] enabled`) `/metrics` for `baton serve echo`, answered before
 * the guard, on node's plain http server: the same answers the reference services give.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import {
  type Config,
  healthcheckAnswer,
  healthcheckOptions,
  healthcheckResults,
  metricsAllowed,
  metricsOptions,
  proxyHeadersOptions,
  requestClientAddress,
} from '@baton/config'
import { type AuthToken, middlewareMetrics } from '@baton/middleware'

type Handler = (req: IncomingMessage, res: ServerResponse) => void

/** `next` with /healthcheck and /metrics answered in front of it. */
export function withOperatorEndpoints(config: Config, auth: AuthToken, next: Handler): Handler {
  const health = config.get(healthcheckOptions)
  const metrics = config.get(metricsOptions)
  // [oslo_middleware] enable_proxy_headers_parsing: /metrics judges the client the proxy names
  const proxyHeaders = config.get(proxyHeadersOptions).enable_proxy_headers_parsing
  const registry = metrics.enabled ? middlewareMetrics(auth.stats) : undefined
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0]
    const method = req.method ?? 'GET'
    if (path === '/healthcheck' && (method === 'GET' || method === 'HEAD')) {
      const port = req.socket.localPort ?? 0
      const answer = healthcheckAnswer(
        { method, accept: req.headers.accept, port },
        healthcheckResults(health, port),
      )
      res.writeHead(
        answer.status,
        answer.contentType === undefined ? {} : { 'Content-Type': answer.contentType },
      )
      res.end(method === 'HEAD' ? undefined : answer.body)
      return
    }
    if (registry !== undefined && path === '/metrics' && method === 'GET') {
      const client = requestClientAddress(
        { headers: req.headers, remoteAddress: req.socket.remoteAddress },
        proxyHeaders,
      )
      if (!metricsAllowed(metrics.allow_from, client)) {
        res.writeHead(403, { 'Content-Type': 'text/plain; charset=UTF-8' })
        res.end('Metrics are not served to this address.')
        return
      }
      registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'Content-Type': registry.contentType })
          res.end(text)
        },
        () => {
          // a collector failed: say so plainly rather than leave the scrape hanging
          res.writeHead(503, { 'Content-Type': 'text/plain; charset=UTF-8' })
          res.end('Metrics are unavailable.')
        },
      )
      return
    }
    next(req, res)
  }
}
