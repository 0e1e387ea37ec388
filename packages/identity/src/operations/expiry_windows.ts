/**
 * The Windows report: per receiving service, how long after expiry the user tokens it let in (on a
 * service token's word) had expired, as a distribution (buckets, p50, p95, max) against identity's
 * `[token] allow_expired_window`, with a plain verdict: how far the window could shrink, or that it
 * could be 0 with delegation (`[service_user] delegate` on the senders, `[delegation]` here).
 * Lateness is measured at the line's time (when the hop answered), so it is an upper bound. Pure.
 * @module
 */
import type { TrailEntry } from './audit_trail.ts'
import { lateness } from './delegated_calls.ts'

export type WindowSettings = {
  /** `[token] expiration`, seconds. */
  readonly expiration: number
  /** `[token] allow_expired_window`, seconds. */
  readonly allowExpiredWindow: number
  /** `[delegation] max_lifetime` when `[delegation] enabled`; null when disabled. */
  readonly delegationMaxLifetime: number | null
}

export type LatenessBucket = {
  /** Lower bound, inclusive (seconds). */
  readonly from: number
  /** Upper bound, exclusive (seconds); null for the last, open bucket. */
  readonly to: number | null
  readonly count: number
}

export type ReceiverWindow = {
  readonly service: string
  /** Requests this service received with a user token. */
  readonly received: number
  /** Of those, with a delegation token. */
  readonly delegated: number
  readonly expired_let_in: number
  /** Expired let in by a line without `user_token_expires_at` (an older trail): lateness unknown. */
  readonly lateness_unknown: number
  readonly buckets: readonly LatenessBucket[]
  readonly p50_seconds: number | null
  readonly p95_seconds: number | null
  readonly max_seconds: number | null
  /** A window with headroom over the largest lateness seen (null: nothing let in late). */
  readonly suggested_window_seconds: number | null
  readonly verdict: string
}

export type WindowsReport = {
  readonly allow_expired_window: number
  readonly expiration: number
  readonly delegation_enabled: boolean
  readonly delegation_max_lifetime: number | null
  readonly bucket_edges: readonly number[]
  readonly receivers: readonly ReceiverWindow[]
  readonly verdict: string
}

/** Bucket edges in seconds: 10 s, 1 min, 5 min, 15 min, 1 h, 6 h, 1 d, 2 d, then open. */
export const BUCKET_EDGES: readonly number[] = [0, 10, 60, 300, 900, 3600, 21600, 86400, 172800]

/** Round window sizes an operator would set, seconds. */
const ROUND_WINDOWS: readonly number[] = [
  60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 21600, 43200, 86400, 172800, 259200, 604800,
]

/** The nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length))
  return sorted[rank - 1] ?? null
}

/** The smallest round window at least 1.5 × the largest lateness seen (headroom for slower jobs). */
export function suggestedWindow(maxLateness: number): number {
  const wanted = maxLateness * 1.5
  return ROUND_WINDOWS.find((w) => w >= wanted) ?? Math.ceil(wanted / 86400) * 86400
}

/** "2 d", "3 min", "1 min 37 s", "45 s": a duration as the verdicts say it. */
export function spoken(seconds: number): string {
  const s = Math.round(seconds)
  if (s < 60) return `${s} s`
  // under 10 min the seconds matter (a lateness of 1 min 37 s is not "2 min")
  if (s < 600) return s % 60 === 0 ? `${s / 60} min` : `${Math.floor(s / 60)} min ${s % 60} s`
  if (s < 3600) return `${Math.round(s / 60)} min`
  if (s < 172800) return `${Math.round((s / 3600) * 10) / 10} h`
  return `${Math.round((s / 86400) * 10) / 10} d`
}

function delegationHint(settings: WindowSettings): string {
  return settings.delegationMaxLifetime === null
    ? 'or 0 once identity issues delegations ([delegation] enabled) and the senders set [service_user] delegate'
    : `or 0 with [service_user] delegate on the senders (a delegation token lives as long as the job, up to [delegation] max_lifetime = ${spoken(settings.delegationMaxLifetime)})`
}

function verdictFor(
  r: Omit<ReceiverWindow, 'verdict' | 'suggested_window_seconds'>,
  suggested: number | null,
  settings: WindowSettings,
): string {
  const window = settings.allowExpiredWindow
  if (r.expired_let_in === 0) {
    return `No expired token was let in here (${r.received} request${r.received === 1 ? '' : 's'} with a user token in the trail${r.delegated > 0 ? `, ${r.delegated} with delegation tokens` : ''}): nothing here needs the ${spoken(window)} window; ${delegationHint(settings).replace(/^or /, 'it could be ')}.`
  }
  if (r.max_seconds === null || suggested === null) {
    return `${r.expired_let_in} expired token${r.expired_let_in === 1 ? '' : 's'} let in, lateness unknown (the trail predates user_token_expires_at).`
  }
  const max = r.max_seconds
  if (max > window) {
    return `Max lateness ${spoken(max)} is beyond identity's ${spoken(window)} window: a token validated elsewhere, or the clocks disagree.`
  }
  const shrink =
    suggested < window
      ? `the window could shrink to ${spoken(suggested)} (max lateness + 50 %, rounded up)`
      : 'the window has no room to shrink'
  return `Max lateness ${spoken(max)} of a ${spoken(window)} window: ${shrink}; ${delegationHint(settings)}.`
}

export function expiryWindows(
  entries: readonly TrailEntry[],
  settings: WindowSettings,
): WindowsReport {
  type Tally = { received: number; delegated: number; expired: number; unknown: number }
  const tallies = new Map<string, Tally & { late: number[] }>()
  for (const { line } of entries) {
    if (line.direction !== 'received' || line.user_id === undefined) continue
    let t = tallies.get(line.service)
    if (t === undefined) {
      t = { received: 0, delegated: 0, expired: 0, unknown: 0, late: [] }
      tallies.set(line.service, t)
    }
    t.received += 1
    if (line.delegation_id !== undefined) t.delegated += 1
    if (line.expired_user_token_accepted !== true) continue
    t.expired += 1
    const late = lateness(line)
    if (late === undefined) t.unknown += 1
    else t.late.push(late)
  }
  const receivers: ReceiverWindow[] = []
  for (const [service, t] of [...tallies].sort(([a], [b]) => a.localeCompare(b))) {
    const sorted = [...t.late].sort((a, b) => a - b)
    const buckets = BUCKET_EDGES.map((from, i) => {
      const to = BUCKET_EDGES[i + 1] ?? null
      return {
        from,
        to,
        count: sorted.filter((s) => s >= from && (to === null || s < to)).length,
      }
    })
    const max = sorted.at(-1) ?? null
    const base = {
      service,
      received: t.received,
      delegated: t.delegated,
      expired_let_in: t.expired,
      lateness_unknown: t.unknown,
      buckets,
      p50_seconds: percentile(sorted, 50),
      p95_seconds: percentile(sorted, 95),
      max_seconds: max,
    }
    const suggested = max === null ? null : suggestedWindow(max)
    receivers.push({
      ...base,
      suggested_window_seconds: suggested,
      verdict: verdictFor(base, suggested, settings),
    })
  }
  return {
    allow_expired_window: settings.allowExpiredWindow,
    expiration: settings.expiration,
    delegation_enabled: settings.delegationMaxLifetime !== null,
    delegation_max_lifetime: settings.delegationMaxLifetime,
    bucket_edges: BUCKET_EDGES,
    receivers,
    verdict: overall(receivers, settings),
  }
}

function overall(receivers: readonly ReceiverWindow[], settings: WindowSettings): string {
  if (receivers.length === 0) {
    return 'The trail holds no request received with a user token yet: nothing to judge the window by.'
  }
  const lates = receivers.flatMap((r) => (r.max_seconds === null ? [] : [r.max_seconds]))
  const letIn = receivers.filter((r) => r.expired_let_in > 0).map((r) => r.service)
  if (letIn.length === 0) {
    return `No receiver let an expired token in: by this trail, [token] allow_expired_window (${spoken(settings.allowExpiredWindow)}) could be 0 ${settings.delegationMaxLifetime === null ? 'once the senders delegate' : 'with the senders delegating'}.`
  }
  if (lates.length === 0) {
    return `${letIn.join(', ')} let expired tokens in; how late is unknown (an older trail).`
  }
  const max = Math.max(...lates)
  const suggested = suggestedWindow(max)
  return `${letIn.join(', ')} let expired tokens in, at most ${spoken(max)} late, against a ${spoken(settings.allowExpiredWindow)} window: ${suggested < settings.allowExpiredWindow ? `it could shrink to ${spoken(suggested)}` : 'it has no room to shrink'}; ${delegationHint(settings)}.`
}
