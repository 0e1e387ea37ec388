/**
 * What every reference service reads from a request the same way: query parameters as single
 * strings, the base URL links are built on (`public_endpoint`, else the request's own, or with
 * `[oslo_middleware] enable_proxy_headers_parsing` what the reverse proxy says the client used)
 * and the client's address (the proxy's `for` under the same option).
 * @module
 */
import {
  proxyHeadersOptions,
  type RequestOrigin,
  requestBaseUrl,
  requestClientAddress,
} from '@baton/config'
import type { FastifyRequest } from 'fastify'
import { serviceDefaultOptions } from './options.ts'
import type { ServiceContext } from './service_context.ts'

export type Query = Record<string, string | undefined>

/** Query parameters as single strings: a repeated one counts once (its first value), as in webob. */
export function queryOf(request: FastifyRequest): Query {
  const q: Query = {}
  for (const [key, value] of Object.entries(request.query as Record<string, unknown>)) {
    const first = Array.isArray(value) ? value[0] : value
    if (typeof first === 'string') q[key] = first
  }
  return q
}

/** Base URL without a trailing slash, e.g. `http://compute.example:8774`. */
export function baseUrl(ctx: ServiceContext, request: FastifyRequest): string {
  const configured = ctx.config.get(serviceDefaultOptions).public_endpoint
  if (configured !== undefined && configured !== '') return configured.replace(/\/+$/, '')
  const proxyHeaders = ctx.config.get(proxyHeadersOptions).enable_proxy_headers_parsing
  return requestBaseUrl(originOf(request), proxyHeaders).replace(/\/+$/, '')
}

/** The client's address as `[metrics] allow_from` judges it. */
export function clientAddress(ctx: ServiceContext, request: FastifyRequest): string | undefined {
  const proxyHeaders = ctx.config.get(proxyHeadersOptions).enable_proxy_headers_parsing
  return requestClientAddress(originOf(request), proxyHeaders)
}

function originOf(request: FastifyRequest): RequestOrigin {
  return {
    protocol: request.protocol,
    host: request.headers.host ?? request.hostname,
    headers: request.headers,
    remoteAddress: request.socket.remoteAddress,
  }
}
