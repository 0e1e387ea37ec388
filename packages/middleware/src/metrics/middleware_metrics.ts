/**
 * The middleware's counts (middleware_stats.ts) as Prometheus metrics in a registry, read at
 * scrape time. A service adds them to its /metrics (the reference services, the echo).
 * @module
 */
import { Counter, Registry } from 'prom-client'
import type { MiddlewareStats } from './middleware_stats.ts'

/** Registers the middleware's metrics on `registry` (a new one by default) and returns it. */
export function middlewareMetrics(stats: MiddlewareStats, registry = new Registry()): Registry {
  const registers = [registry]
  new Counter({
    name: 'baton_middleware_decisions_total',
    help:
      'Requests decided by the auth middleware: confirmed, deferred (delay_auth_decision), ' +
      'rejected (401), identity_unavailable (503).',
    labelNames: ['outcome'] as const,
    registers,
    collect() {
      this.reset()
      for (const outcome of ['confirmed', 'deferred', 'rejected', 'identity_unavailable'] as const)
        this.inc({ outcome }, stats.decisions.get(outcome) ?? 0)
    },
  })
  new Counter({
    name: 'baton_middleware_expired_tokens_accepted_total',
    help:
      'Expired user tokens let in because a service token with a listed service role came ' +
      'with them, by that service user’s name (at most 50 names, then "other").',
    labelNames: ['service_user'] as const,
    registers,
    collect() {
      this.reset()
      for (const [name, count] of stats.expiredAccepted) this.inc({ service_user: name }, count)
    },
  })
  new Counter({
    name: 'baton_middleware_identity_requests_total',
    help: 'Token validations asked of identity (round trips), by result: valid, invalid, error.',
    labelNames: ['result'] as const,
    registers,
    collect() {
      this.reset()
      for (const result of ['valid', 'invalid', 'error'] as const)
        this.inc({ result }, stats.identityCalls.get(result) ?? 0)
    },
  })
  new Counter({
    name: 'baton_middleware_cache_hits_total',
    help: 'Token cache hits, by layer: local (in-process) or shared (memcached/Redis).',
    labelNames: ['layer'] as const,
    registers,
    collect() {
      this.reset()
      this.inc({ layer: 'local' }, stats.cache.localHits)
      this.inc({ layer: 'shared' }, stats.cache.sharedHits)
    },
  })
  new Counter({
    name: 'baton_middleware_cache_misses_total',
    help: 'Token cache misses, by layer: local (in-process) or shared (memcached/Redis).',
    labelNames: ['layer'] as const,
    registers,
    collect() {
      this.reset()
      this.inc({ layer: 'local' }, stats.cache.localMisses)
      this.inc({ layer: 'shared' }, stats.cache.sharedMisses)
    },
  })
  return registry
}
