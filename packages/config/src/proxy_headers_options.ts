/**
 * `[oslo_middleware] enable_proxy_headers_parsing`, declared once here because the identity server,
 * every reference service and the echo read it (oslo.middleware's HTTPProxyToWSGI option; nova,
 * cinder, glance and swift all take it). The identity server's `[oslo_middleware]` group adds
 * `max_request_body_size` beside the same option object; groups of one name merge.
 * @module
 */
import { defineGroup } from './groups.ts'
import { opt } from './options.ts'

export const enableProxyHeadersParsing = opt.bool({
  default: false,
  help:
    'Whether the application is behind a proxy or not. This determines if the middleware ' +
    'should parse the headers or not. When true, the RFC 7239 Forwarded header (or else ' +
    'X-Forwarded-Proto, X-Forwarded-Host, X-Forwarded-Port, X-Forwarded-For) and ' +
    'X-Forwarded-Prefix give the scheme, host and path prefix of the links Baton builds ' +
    '(version discovery, links.self) and the client address. Leave false unless every ' +
    'request comes through a proxy that sets these headers: a client could forge them.',
})

export const proxyHeadersOptions = defineGroup('oslo_middleware', {
  enable_proxy_headers_parsing: enableProxyHeadersParsing,
})
