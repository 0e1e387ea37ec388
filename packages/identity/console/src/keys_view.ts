/**
 * The Keys view: the token key set (role, fingerprint, age, history), a timeline of past
 * rotations and the next safe one, the rotation guard's facts, and the fleet's nodes. Reads
 * `GET /v3/OS-BATON/keys`; fingerprints only, the server never sends key material.
 * @module
 */
import { type Child, fact, h } from './dom.ts'
import { duration, relative, utc } from './format.ts'

type KeyRow = {
  index: number
  role: 'primary' | 'staged' | 'secondary'
  fingerprint: string
  age_seconds: number | null
  created_at: string | null
  promoted_at: string | null
  retired_at: string | null
}

type KeySet = { readable: boolean; keys: KeyRow[] }

type FleetNode = {
  node_id: string
  address: string
  key_store: string
  live: boolean
  seconds_since_heartbeat: number
  holds_staged_key: boolean | null
  clock_skew_ms: number
  version: string
}

export type KeysReport = {
  now: string
  key_store: 'files' | 'database'
  token_keys: KeySet
  receipt_keys: { shared_with_tokens: true } | ({ shared_with_tokens: false } & KeySet)
  guard: {
    expiration: number
    allow_expired_window: number
    delegation_max_lifetime: number | null
    max_active_keys: number
    token_validity_seconds: number
    earliest_safe_rotation: string | null
    min_max_active_keys: number | null
    reasons: string[]
  }
  fleet: { nodes: FleetNode[]; live: number; lagging: string[]; error?: string }
}

const when = (iso: string | null, now: number): Child =>
  iso === null
    ? h('span', { class: 'muted' }, 'unknown')
    : h(
        'time',
        { datetime: iso, title: iso },
        utc(iso),
        h('br'),
        h('small', {}, relative(Date.parse(iso), now)),
      )

/** A table that becomes stacked rows on a phone (each cell labelled by data-label). */
function table(caption: string, headers: readonly string[], rows: readonly Child[][]) {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'stack' },
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, ...headers.map((name) => h('th', { scope: 'col' }, name)))),
      h(
        'tbody',
        {},
        ...rows.map((cells) =>
          h('tr', {}, ...cells.map((cell, i) => h('td', { 'data-label': headers[i] ?? '' }, cell))),
        ),
      ),
    ),
  )
}

function keyTable(caption: string, set: KeySet, now: number) {
  if (!set.readable) return h('p', { class: 'alert' }, `${caption}: the key set could not be read.`)
  return table(
    caption,
    ['Index', 'Role', 'Fingerprint', 'Age', 'Created', 'Promoted', 'Retired'],
    set.keys.map((key) => [
      String(key.index),
      h('span', { class: `role role-${key.role}` }, key.role),
      h('code', { class: 'fingerprint' }, key.fingerprint),
      key.age_seconds === null ? 'unknown' : duration(key.age_seconds),
      when(key.created_at, now),
      key.role === 'staged' ? '—' : when(key.promoted_at, now),
      key.retired_at === null ? '—' : when(key.retired_at, now),
    ]),
  )
}

type Event = { at: number; iso: string; label: string; kind: 'past' | 'now' | 'next' }

/** What the guard waits out before a key may be purged. */
function keepRule(guard: KeysReport['guard']): string {
  const tokens = `expiration + allow_expired_window (${duration(guard.token_validity_seconds)})`
  const delegation = guard.delegation_max_lifetime
  if (delegation === null || delegation <= guard.token_validity_seconds) {
    return `A key must stay until every token it signed is past ${tokens}.`
  }
  return `A key must stay until every token it signed is past the longer of ${tokens} and [delegation] max_lifetime (${duration(delegation)}).`
}

function timeline(report: KeysReport, now: number) {
  const events: Event[] = []
  for (const key of report.token_keys.keys) {
    const name = `key ${key.fingerprint.slice(0, 8)}`
    if (key.created_at !== null) {
      events.push({
        at: Date.parse(key.created_at),
        iso: key.created_at,
        label: `${name} staged`,
        kind: 'past',
      })
    }
    if (key.promoted_at !== null) {
      events.push({
        at: Date.parse(key.promoted_at),
        iso: key.promoted_at,
        label: `${name} promoted to primary (a rotation)`,
        kind: 'past',
      })
    }
    if (key.retired_at !== null) {
      events.push({
        at: Date.parse(key.retired_at),
        iso: key.retired_at,
        label: `${name} retired from primary`,
        kind: 'past',
      })
    }
  }
  events.push({ at: now, iso: report.now, label: 'now', kind: 'now' })
  const next = report.guard.earliest_safe_rotation
  if (next !== null) {
    events.push({ at: Date.parse(next), iso: next, label: 'earliest safe rotation', kind: 'next' })
  }
  // at equal times: history first, then now, then the next rotation
  const rank = { past: 0, now: 1, next: 2 } as const
  events.sort((a, b) => a.at - b.at || rank[a.kind] - rank[b.kind])
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'timeline-title' },
    h('h2', { id: 'timeline-title' }, 'Timeline'),
    h('p', { class: 'fine' }, keepRule(report.guard)),
    h(
      'ol',
      { class: 'timeline' },
      ...events.map((event) =>
        h(
          'li',
          { class: `event event-${event.kind}` },
          h('time', { datetime: event.iso }, utc(event.iso)),
          h('span', { class: 'event-label' }, event.label),
          event.kind === 'now' ? null : h('small', {}, relative(event.at, now)),
        ),
      ),
    ),
    next === null
      ? h('p', { class: 'alert' }, 'No rotation can be shown safe with these settings.')
      : null,
  )
}

function guardFacts(report: KeysReport, now: number) {
  const g = report.guard
  const next = g.earliest_safe_rotation
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'guard-title' },
    h('h2', { id: 'guard-title' }, 'Rotation guard'),
    h(
      'dl',
      { class: 'facts' },
      fact(
        'Next safe rotation',
        next === null
          ? 'none can be shown safe'
          : h('span', {}, `${utc(next)} (${relative(Date.parse(next), now)})`),
      ),
      fact('Token expiration', duration(g.expiration)),
      fact('allow_expired_window', duration(g.allow_expired_window)),
      fact(
        'Delegation max_lifetime',
        g.delegation_max_lifetime === null
          ? 'delegation disabled'
          : duration(g.delegation_max_lifetime),
      ),
      fact('max_active_keys', String(g.max_active_keys)),
      fact(
        'Suggested max_active_keys',
        g.min_max_active_keys === null ? 'unknown' : String(g.min_max_active_keys),
      ),
      fact('Key store', report.key_store),
    ),
    g.reasons.length === 0
      ? null
      : h(
          'ul',
          { class: 'reasons', 'aria-label': 'What the guard notes' },
          ...g.reasons.map((r) => h('li', {}, r)),
        ),
  )
}

function fleet(report: KeysReport) {
  const f = report.fleet
  const lagging = new Set(f.lagging)
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'fleet-title' },
    h('h2', { id: 'fleet-title' }, 'Fleet'),
    h(
      'p',
      {},
      `${f.live} live node${f.live === 1 ? '' : 's'}`,
      f.lagging.length > 0
        ? `; lagging (no staged key yet): ${f.lagging.join(', ')}`
        : '; none lagging',
      f.error === undefined ? '' : ` (the fleet could not be read: ${f.error})`,
    ),
    f.nodes.length === 0
      ? h('p', { class: 'muted' }, 'No node has sent a heartbeat yet.')
      : table(
          'Identity nodes',
          [
            'Node',
            'Address',
            'Key store',
            'State',
            'Last seen',
            'Staged key',
            'Clock skew',
            'Version',
          ],
          f.nodes.map((node) => [
            h('code', {}, node.node_id),
            node.address,
            node.key_store,
            h(
              'span',
              {
                class: `state ${lagging.has(node.node_id) ? 'state-bad' : node.live ? 'state-ok' : 'state-gone'}`,
              },
              lagging.has(node.node_id) ? 'lagging' : node.live ? 'live' : 'gone',
            ),
            `${duration(node.seconds_since_heartbeat)} ago`,
            node.holds_staged_key === null ? 'n/a' : node.holds_staged_key ? 'holds it' : 'missing',
            skew(node.clock_skew_ms),
            node.version,
          ]),
        ),
  )
}

/** A node's clock against the database's: ms when small, else a duration ahead or behind. */
function skew(ms: number): string {
  if (Math.abs(ms) < 1000) return `${ms} ms`
  return `${duration(ms / 1000)} ${ms > 0 ? 'ahead' : 'behind'}`
}

export function keysView(report: KeysReport): HTMLElement {
  const now = Date.parse(report.now)
  const primary = report.token_keys.keys.find((key) => key.role === 'primary')
  const receipts = report.receipt_keys
  return h(
    'div',
    { class: 'keys' },
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'keys-title' },
      h('h2', { id: 'keys-title' }, 'Token keys'),
      h(
        'p',
        { class: 'fine' },
        primary === undefined
          ? 'No primary key.'
          : `Primary key ${primary.fingerprint}, ${primary.age_seconds === null ? 'age unknown' : `${duration(primary.age_seconds)} old`}.`,
      ),
      keyTable('Token keys (fingerprints, never the keys)', report.token_keys, now),
      receipts.shared_with_tokens
        ? h('p', { class: 'fine' }, 'Receipts are signed with the token keys.')
        : keyTable('Receipt keys', receipts, now),
    ),
    h('div', { class: 'columns' }, timeline(report, now), guardFacts(report, now)),
    fleet(report),
  )
}
