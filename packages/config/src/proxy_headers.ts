/**
 * What a reverse proxy says about the original request, read the way oslo.middleware's
 * HTTPProxyToWSGI reads it (`[oslo_middleware] enable_proxy_headers_parsing`): the first element
 * of an RFC 7239 `Forwarded` header wins over the X-Forwarded-* headers (proto, host, for); then
 * X-Forwarded-Prefix. Two departures, both for safety: values are unquoted and checked (a scheme
 * other than http/https, or a host with characters a host cannot have, is ignored, so a header
 * cannot inject text into the links built from it), and X-Forwarded-Port is honoured when the
 * forwarded host carries no port (werkzeug's ProxyFix does that; oslo ignores the header).
 * Callers decide whether to trust these headers at all.
 * @module
 */
import type { IncomingHttpHeaders } from 'node:http'

export type ForwardedView = {
  /** `http` or `https`. */
  readonly proto?: string
  /** `host[:port]` as the client addressed it. */
  readonly host?: string
  /** The original client's address (first hop). */
  readonly for?: string
  /** A path prefix the proxy strips (X-Forwarded-Prefix), without a trailing slash. */
  readonly prefix?: string
}

const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::\d{1,5})?$/
const PREFIX = /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name]
  const text = Array.isArray(value) ? value.join(',') : value
  return text === undefined || text.trim() === '' ? undefined : text
}

function first(list: string): string {
  return (list.split(',')[0] ?? '').trim()
}

function unquote(value: string): string {
  const v = value.trim()
  return v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v
}

/** RFC 7239: the first proxy's `key=value` pairs, keys lower-cased, values unquoted. */
export function parseForwarded(value: string): Record<string, string> {
  const entry: Record<string, string> = {}
  for (const pair of first(value).split(';')) {
    const at = pair.indexOf('=')
    if (at <= 0) continue
    entry[pair.slice(0, at).trim().toLowerCase()] = unquote(pair.slice(at + 1))
  }
  return entry
}

function saneProto(proto: string | undefined): string | undefined {
  const p = proto?.toLowerCase()
  return p === 'http' || p === 'https' ? p : undefined
}

function saneHost(host: string | undefined): string | undefined {
  return host !== undefined && HOST.test(host) ? host : undefined
}

/** The proxy's view of the request; fields the headers do not (validly) give are absent. */
export function forwardedView(headers: IncomingHttpHeaders): ForwardedView {
  let proto: string | undefined
  let host: string | undefined
  let client: string | undefined
  const forwarded = header(headers, 'forwarded')
  if (forwarded !== undefined) {
    const entry = parseForwarded(forwarded)
    proto = saneProto(entry.proto)
    host = saneHost(entry.host)
    client = entry.for
  } else {
    const xProto = header(headers, 'x-forwarded-proto')
    proto = saneProto(xProto === undefined ? undefined : first(xProto))
    const xHost = header(headers, 'x-forwarded-host')
    host = saneHost(xHost === undefined ? undefined : first(xHost))
    const xFor = header(headers, 'x-forwarded-for')
    client = xFor === undefined ? undefined : first(xFor)
    const xPort = header(headers, 'x-forwarded-port')
    if (host !== undefined && xPort !== undefined && /^\d{1,5}$/.test(first(xPort))) {
      if (!/:\d+$/.test(host)) host = `${host}:${first(xPort)}`
    }
  }
  const xPrefix = header(headers, 'x-forwarded-prefix')
  const prefix =
    xPrefix !== undefined && PREFIX.test(first(xPrefix))
      ? first(xPrefix).replace(/\/+$/, '')
      : undefined
  return {
    ...(proto === undefined ? {} : { proto }),
    ...(host === undefined ? {} : { host }),
    ...(client === undefined || client === '' ? {} : { for: client }),
    ...(prefix === undefined || prefix === '' ? {} : { prefix }),
  }
}

/** What a server knows of a request without a proxy: its scheme, its Host header, its socket. */
export type RequestOrigin = {
  /** `http` or `https`: the scheme of the connection. */
  readonly protocol: string
  /** The Host header (or the server's own address when the client sent none). */
  readonly host: string
  readonly headers: IncomingHttpHeaders
  readonly remoteAddress: string | undefined
}

/**
 * The base URL the client used, without a trailing slash: `scheme://host[:port]`, and with proxy
 * headers trusted (`[oslo_middleware] enable_proxy_headers_parsing`) the scheme, host and prefix
 * the proxy names in their place, as oslo's HTTPProxyToWSGI rewrites the WSGI environment. A
 * configured `public_endpoint` wins over both; callers apply it.
 */
export function requestBaseUrl(origin: RequestOrigin, proxyHeaders: boolean): string {
  if (!proxyHeaders) return `${origin.protocol}://${origin.host}`
  const proxy = forwardedView(origin.headers)
  return `${proxy.proto ?? origin.protocol}://${proxy.host ?? origin.host}${proxy.prefix ?? ''}`
}

/** The client's address: the proxy's `for` (brackets and port dropped) when trusted, else the socket's. */
export function requestClientAddress(
  origin: Pick<RequestOrigin, 'headers' | 'remoteAddress'>,
  proxyHeaders: boolean,
): string | undefined {
  if (proxyHeaders) {
    const client = forwardedView(origin.headers).for
    if (client !== undefined) return client.replace(/^\[(.*)\](?::\d+)?$/, '$1')
  }
  return origin.remoteAddress
}
