/**
 * The URL clients are told to use: `[DEFAULT] public_endpoint` when set, otherwise what the
 * request came in on (keystone discovery.py: scheme://host[:port] + script name). With
 * `[oslo_middleware] enable_proxy_headers_parsing`, what the reverse proxy says the client used
 * (Forwarded / X-Forwarded-*, see @baton/config's proxy_headers) replaces the scheme, host and
 * prefix, as oslo.middleware's HTTPProxyToWSGI rewrites the WSGI environment; without it those
 * headers are ignored.
 * @module
 */
import { forwardedView } from '@baton/config'
import type { FastifyRequest } from 'fastify'

/** Base URL without a trailing slash, e.g. `http://ks.example:5000`. */
export function baseUrl(
  request: FastifyRequest,
  publicEndpoint: string | undefined,
  proxyHeaders = false,
): string {
  if (publicEndpoint !== undefined && publicEndpoint !== '') {
    // keystone strips a trailing '/v3' from public_endpoint before adding its own paths
    return publicEndpoint.replace(/\/+$/, '').replace(/\/v3$/, '')
  }
  const host = request.headers.host ?? `${request.hostname}`
  if (!proxyHeaders) return `${request.protocol}://${host}`
  const proxy = forwardedView(request.headers)
  return `${proxy.proto ?? request.protocol}://${proxy.host ?? host}${proxy.prefix ?? ''}`
}

/** The client's address: the proxy's `for` when proxy headers are trusted, else the socket's. */
export function clientAddress(request: FastifyRequest, proxyHeaders: boolean): string | undefined {
  if (proxyHeaders) {
    const client = forwardedView(request.headers).for
    if (client !== undefined) return client.replace(/^\[(.*)\](?::\d+)?$/, '$1')
  }
  return request.socket.remoteAddress
}
