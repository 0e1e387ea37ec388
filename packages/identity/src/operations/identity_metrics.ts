/**
 * The identity server's Prometheus metrics (`[metrics] enabled`), in a registry of its own (never
 * prom-client's global one, so servers sharing a process, as in tests, keep their counts apart).
 * Labels are bounded: route patterns (never raw URLs, which carry ids), status codes, outcome and
 * layer names; never a token, an id or a secret. Cache counts and key ages are read when scraped.
 * @module
 */
import type { KeyRepositoryStatus } from '@baton/fernet'
import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { ValidationCache } from '../cache/index.ts'
import type { ValidationOutcome } from '../core/tokens/index.ts'
import type { FleetView } from './fleet_view.ts'

export type IdentityMetrics = {
  readonly registry: Registry
  /** The exposition text a scrape gets (with workers: the aggregate of all, see cluster_metrics). */
  text(): Promise<string>
  request(method: string, route: string, status: number, seconds: number): void
  validation(outcome: ValidationOutcome, delegation: boolean): void
  delegationCreated(): void
}

export type IdentityMetricSources = {
  /** The validation cache whose memo hit/miss counts are exported, by layer. */
  readonly cache?: ValidationCache | undefined
  /** The token key repository's state now; undefined when it cannot be read. */
  readonly keys?: () => KeyRepositoryStatus | undefined
  /** The fleet's heartbeats, read when scraped. */
  readonly fleet?: () => Promise<FleetView>
  readonly now: () => number
}

/** Request latency buckets (seconds): a Fernet validation takes about a millisecond. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

export function createIdentityMetrics(sources: IdentityMetricSources): IdentityMetrics {
  const registry = new Registry()
  const registers = [registry]
  const requests = new Counter({
    name: 'baton_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    registers,
  })
  const latency = new Histogram({
    name: 'baton_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  })
  const validations = new Counter({
    name: 'baton_token_validations_total',
    help:
      'Token validations by outcome: valid, expired, expired_allowed (within the allow_expired ' +
      'window), revoked, not_found (any other refusal).',
    labelNames: ['outcome'] as const,
    registers,
  })
  const delegationsValidated = new Counter({
    name: 'baton_delegations_validated_total',
    help: 'Validations of delegation tokens (OS-BATON), by outcome.',
    labelNames: ['outcome'] as const,
    registers,
  })
  const delegationsCreated = new Counter({
    name: 'baton_delegations_created_total',
    help: 'Delegation tokens issued (from a user token, or narrowed from a delegation token).',
    registers,
  })
  for (const outcome of ['valid', 'expired', 'expired_allowed', 'revoked', 'not_found']) {
    validations.inc({ outcome }, 0)
  }
  const { cache } = sources
  if (cache !== undefined) {
    const layers = Object.entries(cache) as [string, { stats: { hits: number; misses: number } }][]
    new Counter({
      name: 'baton_identity_cache_hits_total',
      help: 'Hits in the identity server’s in-process validation caches, by layer.',
      labelNames: ['layer'] as const,
      registers,
      collect() {
        this.reset()
        for (const [layer, memo] of layers) this.inc({ layer }, memo.stats.hits)
      },
    })
    new Counter({
      name: 'baton_identity_cache_misses_total',
      help: 'Misses in the identity server’s in-process validation caches, by layer.',
      labelNames: ['layer'] as const,
      registers,
      collect() {
        this.reset()
        for (const [layer, memo] of layers) this.inc({ layer }, memo.stats.misses)
      },
    })
  }
  const readKeys = sources.keys
  if (readKeys !== undefined) {
    // Registered first, so its collect (one read of the repository) fills the other two before
    // the registry reads them.
    new Gauge({
      name: 'baton_fernet_key_age_seconds',
      // the same for every worker (the shared repository, the fleet): not summed across them
      aggregator: 'first',
      help: 'Age of the primary and staged Fernet token keys (from the key history).',
      labelNames: ['role'] as const,
      registers,
      collect() {
        this.reset()
        const status = readKeys()
        if (status === undefined) return
        count.set(status.keys.length)
        for (const key of status.keys) {
          if (key.role === 'secondary' || key.ageSeconds === undefined) continue
          this.set({ role: key.role }, key.ageSeconds)
        }
        const safeAt = status.earliestSafeRotation
        untilSafe.set(
          safeAt === null ? -1 : Math.max(0, Math.ceil((safeAt - sources.now()) / 1000)),
        )
      },
    })
    const count = new Gauge({
      name: 'baton_fernet_keys',
      // the same for every worker (the shared repository, the fleet): not summed across them
      aggregator: 'first',
      help: 'Fernet token keys in the repository.',
      registers,
    })
    const untilSafe = new Gauge({
      name: 'baton_fernet_seconds_until_safe_rotation',
      // the same for every worker (the shared repository, the fleet): not summed across them
      aggregator: 'first',
      help:
        'Seconds until the next key rotation drops no key still needed (0: safe now; -1: no ' +
        'time can be shown safe, see `baton keys status`).',
      registers,
    })
  }
  const readFleet = sources.fleet
  if (readFleet !== undefined) {
    new Gauge({
      name: 'baton_fleet_nodes',
      // the same for every worker (the shared repository, the fleet): not summed across them
      aggregator: 'first',
      help:
        'Identity nodes by heartbeat state: live, lagging (live without the staged token key, ' +
        'which blocks the next rotation) and gone (no heartbeat for three intervals).',
      labelNames: ['state'] as const,
      registers,
      async collect() {
        this.reset()
        try {
          const view = await readFleet()
          this.set({ state: 'live' }, view.live)
          this.set({ state: 'lagging' }, view.lagging.length)
          this.set({ state: 'gone' }, view.nodes.length - view.live)
        } catch {
          // the database is down: /healthcheck's detail says so; no series beats a wrong one
        }
      },
    })
  }
  return {
    registry,
    text: () => registry.metrics(),
    request(method, route, status, seconds) {
      const labels = { method, route, status: String(status) }
      requests.inc(labels)
      latency.observe(labels, seconds)
    },
    validation(outcome, delegation) {
      validations.inc({ outcome })
      if (delegation) delegationsValidated.inc({ outcome })
    },
    delegationCreated() {
      delegationsCreated.inc()
    },
  }
}
