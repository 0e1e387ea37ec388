/**
 * The URL clients are told to use: `[DEFAULT] public_endpoint` when set, otherwise what the
 * request came in on (keystone discovery.py: scheme://host[:port] + script name).
 * @module
 */
import type { FastifyRequest } from 'fastify'

/** Base URL without a trailing slash, e.g. `http://ks.example:5000`. */
export function baseUrl(request: FastifyRequest, publicEndpoint: string | undefined): string {
  if (publicEndpoint !== undefined && publicEndpoint !== '') {
    // keystone strips a trailing '/v3' from public_endpoint before adding its own paths
    return publicEndpoint.replace(/\/+$/, '').replace(/\/v3$/, '')
  }
  const host = request.headers.host ?? `${request.hostname}`
  return `${request.protocol}://${host}`
}
