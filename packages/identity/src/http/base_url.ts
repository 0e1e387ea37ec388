/**
 * The URL clients are told to use: `[DEFAULT] public_endpoint` when set, otherwise what the
 * request came in on (keystone discovery.py: scheme://host[:port] + script name). With
 * `[oslo_middleware] enable_proxy_headers_parsing`, what the reverse proxy says the client used
 * (Forwarded / X-Forwarded-*, see @baton/config's proxy_headers) replaces the scheme, host and
 * prefix, as oslo.middleware's HTTPProxyToWSGI rewrites the WSGI environment; without it those
 * headers are ignored.
 * @module
 */
import { requestBaseUrl, requestClientAddress } from '@baton/config'
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
  return requestBaseUrl(originOf(request), proxyHeaders)
}

/** The client's address: the proxy's `for` when proxy headers are trusted, else the socket's. */
export function clientAddress(request: FastifyRequest, proxyHeaders: boolean): string | undefined {
  return requestClientAddress(originOf(request), proxyHeaders)
}

function originOf(request: FastifyRequest) {
  return {
    protocol: request.protocol,
    host: request.headers.host ?? request.hostname,
    headers: request.headers,
    remoteAddress: request.socket.remoteAddress,
  }
}
