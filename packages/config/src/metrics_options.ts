/**
 * `[metrics]` (Baton-only): whether a server answers Prometheus scrapes at `/metrics`, and from
 * where. Declared here because the identity server, the reference services and the echo read the
 * same group. Off by default; when on, only the listed addresses may scrape (loopback by default),
 * so a scrape is local, or through a proxy that passes the scraper's address (X-Forwarded-For, read
 * only with `[oslo_middleware] enable_proxy_headers_parsing`).
 * @module
 */
import { defineGroup } from './groups.ts'
import { opt } from './options.ts'

export const metricsOptions = defineGroup(
  'metrics',
  {
    enabled: opt.bool({
      default: false,
      help:
        'Baton-only. Serve Prometheus metrics at /metrics on the server’s own port (request ' +
        'counts and latencies by route and status, token validation outcomes, cache hits, key ' +
        'ages). Labels never carry tokens, ids from URLs or secrets.',
    }),
    allow_from: opt.list({
      default: ['127.0.0.1', '::1'],
      help:
        'Baton-only. Client addresses allowed to read /metrics (exact addresses; IPv4-mapped ' +
        'IPv6 addresses match their IPv4 form). Others get 403. `*` allows everyone: only behind ' +
        'a proxy or firewall that already restricts /metrics.',
    }),
  },
  { help: 'Prometheus metrics at /metrics (Baton-only).' },
)

/** Whether `address` (the client's, as the server sees it) may read /metrics. */
export function metricsAllowed(allowFrom: readonly string[], address: string | undefined): boolean {
  if (allowFrom.includes('*')) return true
  if (address === undefined) return false
  const plain = address.startsWith('::ffff:') ? address.slice(7) : address
  return allowFrom.includes(address) || allowFrom.includes(plain)
}
