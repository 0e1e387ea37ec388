/**
 * The Delegated calls report: the audit trail's lines grouped per request id (the id travels with
 * every hop as X-OpenStack-Request-ID), each call's hops in time order with who acted for whom,
 * whether an expired user token was let in (and how late), and the outcome; filtered by user,
 * service, outcome and expired-let-in, newest first. Pure: names come from `names`.
 * @module
 */
import type { AuditTrailLine, TrailEntry } from './audit_trail.ts'

export type CallFilter = {
  /** A user id or name: calls with a hop for that user. */
  readonly user?: string | undefined
  /** Calls with a hop at (or sent by) that service. */
  readonly service?: string | undefined
  /** `error`: a hop failed; `ok`: every hop succeeded. */
  readonly outcome?: 'ok' | 'error' | undefined
  readonly expiredLetIn?: boolean | undefined
  /** Calls with a hop at or after this time (ms since the epoch). */
  readonly since?: number | undefined
  readonly limit: number
}

export type Hop = {
  readonly time: string
  readonly service: string
  readonly direction: 'received' | 'sent'
  readonly method: string
  readonly path: string
  readonly status: number
  readonly outcome: 'ok' | 'error'
  readonly user_id: string | null
  readonly user_name: string | null
  readonly project_id: string | null
  readonly service_user_id: string | null
  readonly service_user_name: string | null
  readonly actor_chain: readonly string[]
  readonly expired_let_in: boolean
  /** Expired let in: how long after the token's expiry this hop answered (s); null if unknown. */
  readonly late_seconds: number | null
  /** Sent hops: the next service's catalog type (or `identity`). */
  readonly target: string | null
  readonly service_token_sent: boolean | null
  readonly delegation_id: string | null
  readonly operation: string | null
  readonly detail: string | null
}

export type DelegatedCall = {
  readonly request_id: string
  readonly first_time: string
  readonly last_time: string
  readonly services: readonly string[]
  readonly user_id: string | null
  readonly user_name: string | null
  readonly outcome: 'ok' | 'error'
  readonly expired_let_in: boolean
  readonly delegated: boolean
  readonly hops: readonly Hop[]
}

/** User id → name, for the ids it knows (the route resolves them through the store first). */
export type NameLookup = (userId: string) => string | undefined

/** How late an expired token was when the hop answered, in seconds; undefined when unknown. */
export function lateness(line: AuditTrailLine): number | undefined {
  if (line.expired_user_token_accepted !== true || line.user_token_expires_at === undefined) {
    return undefined
  }
  return Math.max(0, (Date.parse(line.time) - Date.parse(line.user_token_expires_at)) / 1000)
}

function hopOf(entry: TrailEntry, names: NameLookup): Hop {
  const l = entry.line
  const late = lateness(l)
  return {
    time: l.time,
    service: l.service,
    direction: l.direction,
    method: l.method,
    path: l.path,
    status: l.status,
    outcome: l.outcome,
    user_id: l.user_id ?? null,
    user_name: l.user_id === undefined ? null : (names(l.user_id) ?? null),
    project_id: l.project_id ?? null,
    service_user_id: l.service_user_id ?? null,
    service_user_name: l.service_user_id === undefined ? null : (names(l.service_user_id) ?? null),
    actor_chain: l.actor_chain ?? [],
    expired_let_in: l.expired_user_token_accepted === true,
    late_seconds: late ?? null,
    target: l.target ?? null,
    service_token_sent: l.service_token_sent ?? null,
    delegation_id: l.delegation_id ?? null,
    operation: l.operation ?? null,
    detail: l.detail ?? null,
  }
}

/** Entries grouped per request id, each group's entries in time order (then read order). */
export function groupByRequest(entries: readonly TrailEntry[]): Map<string, TrailEntry[]> {
  const groups = new Map<string, TrailEntry[]>()
  for (const entry of entries) {
    const group = groups.get(entry.line.request_id)
    if (group === undefined) groups.set(entry.line.request_id, [entry])
    else group.push(entry)
  }
  for (const group of groups.values()) group.sort((a, b) => a.at - b.at || a.seq - b.seq)
  return groups
}

function callOf(requestId: string, group: readonly TrailEntry[], names: NameLookup) {
  const hops = group.map((entry) => hopOf(entry, names))
  const withUser = hops.find((hop) => hop.user_id !== null)
  return {
    request_id: requestId,
    first_time: hops[0]?.time ?? '',
    last_time: hops.at(-1)?.time ?? '',
    services: [...new Set(hops.map((hop) => hop.service))],
    user_id: withUser?.user_id ?? null,
    user_name: withUser?.user_name ?? null,
    outcome: hops.some((hop) => hop.outcome === 'error') ? 'error' : 'ok',
    expired_let_in: hops.some((hop) => hop.expired_let_in),
    delegated: hops.some((hop) => hop.delegation_id !== null),
    hops,
  } satisfies DelegatedCall
}

function matches(call: DelegatedCall, filter: CallFilter, lastAt: number): boolean {
  if (filter.since !== undefined && lastAt < filter.since) return false
  if (filter.outcome !== undefined && call.outcome !== filter.outcome) return false
  if (filter.expiredLetIn !== undefined && call.expired_let_in !== filter.expiredLetIn) return false
  if (filter.service !== undefined && !call.services.includes(filter.service)) return false
  if (filter.user !== undefined) {
    const user = filter.user
    if (!call.hops.some((hop) => hop.user_id === user || hop.user_name === user)) return false
  }
  return true
}

export type CallsReport = {
  readonly calls: readonly DelegatedCall[]
  /** Calls that matched the filter (before `limit`). */
  readonly matching: number
  /** The newest hop's time among all lines (poll again with `since` = this). */
  readonly cursor: string | null
  /** What the filter form can offer: the services and users the trail holds. */
  readonly services: readonly string[]
  readonly users: readonly { readonly id: string; readonly name: string | null }[]
}

export function delegatedCalls(
  entries: readonly TrailEntry[],
  filter: CallFilter,
  names: NameLookup,
): CallsReport {
  const all: { call: DelegatedCall; lastAt: number }[] = []
  for (const [requestId, group] of groupByRequest(entries)) {
    all.push({
      call: callOf(requestId, group, names),
      lastAt: group.at(-1)?.at ?? 0,
    })
  }
  all.sort((a, b) => b.lastAt - a.lastAt || (a.call.request_id < b.call.request_id ? -1 : 1))
  const matching = all.filter((each) => matches(each.call, filter, each.lastAt))
  let newest: TrailEntry | undefined
  const services = new Set<string>()
  const users = new Set<string>()
  for (const entry of entries) {
    if (newest === undefined || entry.at > newest.at) newest = entry
    services.add(entry.line.service)
    if (entry.line.user_id !== undefined) users.add(entry.line.user_id)
  }
  return {
    calls: matching.slice(0, filter.limit).map((each) => each.call),
    matching: matching.length,
    cursor: newest?.line.time ?? null,
    services: [...services].sort(),
    users: [...users]
      .map((id) => ({ id, name: names(id) ?? null }))
      .sort((a, b) => (a.name ?? a.id).localeCompare(b.name ?? b.id)),
  }
}
