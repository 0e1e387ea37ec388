/**
 * What a fleet run counts, and how a run's figures are printed. The three that must be zero:
 * false rejections (a token valid for the whole request refused), unexplained 5xx (a 5xx whose
 * request was not in flight when a node was killed) and lost writes (a 201 whose entity is gone
 * at the end). 5xx in flight at a kill are counted apart: HAProxy retries them (retry-on
 * empty-response), so they appear only when every retry failed too.
 * @module
 */

export type FleetOp =
  | 'issue'
  | 'rescope'
  | 'validate'
  | 'validate_expired'
  | 'echo_user_service'
  | 'echo_expired_service'
  | 'echo_expired_alone'
  | 'write'

export const FLEET_OPS: readonly FleetOp[] = [
  'issue',
  'rescope',
  'validate',
  'validate_expired',
  'echo_user_service',
  'echo_expired_service',
  'echo_expired_alone',
  'write',
]

export type OpCounts = { ok: number; latenciesMs: number[] }

export type FleetCounts = {
  readonly ops: Record<FleetOp, OpCounts>
  /** A token valid during the whole request, refused (401/404). Must be 0. */
  falseRejections: number
  /** An expired token (without a service token) accepted. Must be 0. */
  falseAcceptances: number
  /** Expired tokens refused as they should be (echo without service token, validate without allow_expired). */
  rightRejections: number
  /** Requests too close to an expiry to judge (skipped, not counted either way). */
  ambiguous: number
  /** 5xx whose request was in flight when a node was killed (HAProxy's retries failed too). */
  fiveXxAtKill: number
  /** Any other 5xx. Must be 0. */
  fiveXxUnexplained: number
  /** Other statuses nobody expected (e.g. 400, 403). Must be 0. */
  unexpected: number
  /** fetch failed (HAProxy or the echo not answering at all). Must be 0. */
  transportErrors: number
  writesAcknowledged: number
  /** A write HAProxy retried after its first try committed: 409, not acknowledged. */
  writesConflictAfterRetry: number
  writesLost: number
  kills: number
  restarts: number
  restartMs: number[]
  rotations: number
  rotationsRefused: number
  /** Rotations after the first kill (database mode: the fleet kept rotating by itself). */
  rotationsAfterAKill: number
  /** Database mode: the nodes seen holding the rotation lease, in turn (a kill hands it over). */
  readonly leaseHolders: string[]
  rotationMs: number[]
  /** What rotationMs times (files: rotate + copy; database: pickup by every node). */
  rotationWhat: string
  /** The first few failures, for the report. */
  readonly samples: string[]
}

export function newCounts(): FleetCounts {
  const ops = {} as Record<FleetOp, OpCounts>
  for (const op of FLEET_OPS) ops[op] = { ok: 0, latenciesMs: [] }
  return {
    ops,
    falseRejections: 0,
    falseAcceptances: 0,
    rightRejections: 0,
    ambiguous: 0,
    fiveXxAtKill: 0,
    fiveXxUnexplained: 0,
    unexpected: 0,
    transportErrors: 0,
    writesAcknowledged: 0,
    writesConflictAfterRetry: 0,
    writesLost: 0,
    kills: 0,
    restarts: 0,
    restartMs: [],
    rotations: 0,
    rotationsRefused: 0,
    rotationsAfterAKill: 0,
    leaseHolders: [],
    rotationMs: [],
    rotationWhat: 'rotate+copy',
    samples: [],
  }
}

export function sample(counts: FleetCounts, line: string): void {
  if (counts.samples.length < 20) counts.samples.push(line)
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0
}

export type FleetRunSummary = {
  readonly seconds: number
  readonly mode: string
  readonly nodes: number
  readonly counts: FleetCounts
  /** HAProxy's own figures for the node backend. */
  readonly haproxy: { requests: number; retries: number; redispatches: number; fiveXx: number }
}

export function formatSummary(s: FleetRunSummary): string[] {
  const c = s.counts
  const total = Object.values(c.ops).reduce((n, o) => n + o.ok, 0)
  const ms = (v: number) => v.toFixed(0)
  return [
    `fleet: ${s.nodes} nodes, ${s.mode}, ${s.seconds.toFixed(0)} s, ${total} successful requests ` +
      `(${(total / s.seconds).toFixed(1)}/s)`,
    ...Object.entries(c.ops).map(
      ([op, o]) =>
        `  ${op.padEnd(22)} ok ${String(o.ok).padStart(6)}  p50 ${ms(percentile(o.latenciesMs, 50)).padStart(5)} ms  p99 ${ms(percentile(o.latenciesMs, 99)).padStart(5)} ms`,
    ),
    `  false rejections ${c.falseRejections}, false acceptances ${c.falseAcceptances}, ` +
      `right rejections ${c.rightRejections}, too close to expiry to judge ${c.ambiguous}`,
    `  5xx unexplained ${c.fiveXxUnexplained}, 5xx in flight at a kill ${c.fiveXxAtKill}, ` +
      `other unexpected ${c.unexpected}, transport errors ${c.transportErrors}`,
    `  writes acknowledged ${c.writesAcknowledged}, lost ${c.writesLost}, ` +
      `409 after a retried commit ${c.writesConflictAfterRetry}`,
    `  kills ${c.kills}, restarts ${c.restarts} (p50 ${ms(percentile(c.restartMs, 50))} ms to serving), ` +
      `rotations ${c.rotations} (p50 ${ms(percentile(c.rotationMs, 50))} ms ${c.rotationWhat}), ` +
      `${c.rotationsAfterAKill} after a kill, refused ${c.rotationsRefused}`,
    ...(c.leaseHolders.length === 0
      ? []
      : [`  rotation lease held in turn by ${c.leaseHolders.join(' -> ')}`]),
    `  haproxy: ${s.haproxy.requests} requests to nodes, ${s.haproxy.retries} retries, ` +
      `${s.haproxy.redispatches} redispatches, ${s.haproxy.fiveXx} 5xx`,
    ...c.samples.map((line) => `  sample: ${line}`),
  ]
}
