/**
 * What the Nova- and Cinder-style APIs read from a request the same way: query parameters as
 * single strings, and the base URL links are built on (`public_endpoint`, else the request's own).
 * @module
 */
import type { FastifyRequest } from 'fastify'
import { serviceDefaultOptions } from './options.ts'
import type { ServiceContext } from './service_app.ts'

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

export function baseUrl(ctx: ServiceContext, request: FastifyRequest): string {
  const configured = ctx.config.get(serviceDefaultOptions).public_endpoint
  return (configured ?? `${request.protocol}://${request.host}`).replace(/\/+$/, '')
}
