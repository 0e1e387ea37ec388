/**
 * The Delegated calls view's pieces that show one call: the JSON of `GET /v3/OS-BATON/calls`, and
 * the hops table (time, service, what was received or sent, user, service user, actor chain, how
 * late an expired token was let in, outcome) that opens under a call's row.
 * @module
 */
import { type Child, h } from './dom.ts'
import { duration } from './format.ts'

export type Hop = {
  time: string
  service: string
  direction: 'received' | 'sent'
  method: string
  path: string
  status: number
  outcome: 'ok' | 'error'
  user_id: string | null
  user_name: string | null
  service_user_id: string | null
  service_user_name: string | null
  actor_chain: string[]
  expired_let_in: boolean
  late_seconds: number | null
  target: string | null
  service_token_sent: boolean | null
  delegation_id: string | null
  operation: string | null
  detail: string | null
}

export type Call = {
  request_id: string
  first_time: string
  last_time: string
  services: string[]
  user_id: string | null
  user_name: string | null
  outcome: 'ok' | 'error'
  expired_let_in: boolean
  delegated: boolean
  hops: Hop[]
}

export type TrailFile = {
  file: string
  state: 'reading' | 'missing' | 'unreadable'
  lines_read: number
  junk_lines: number
  error?: string
}

export type CallsReport = {
  now: string
  files: TrailFile[]
  lines_in_memory: number
  max_lines: number
  calls: Call[]
  matching: number
  cursor: string | null
  services: string[]
  users: { id: string; name: string | null }[]
}

/** `18:36:32` of an ISO time (the view says UTC). */
export const clock = (iso: string) => `${iso.slice(11, 19)}`

export const who = (id: string | null, name: string | null): Child =>
  id === null ? h('span', { class: 'muted' }, 'none') : (name ?? h('code', {}, id.slice(0, 12)))

export function expiredText(hop: { expired_let_in: boolean; late_seconds: number | null }): Child {
  if (!hop.expired_let_in) return 'no'
  return h(
    'span',
    { class: 'flag flag-expired' },
    hop.late_seconds === null ? 'yes, lateness unknown' : `yes, ${duration(hop.late_seconds)} late`,
  )
}

export const outcomeBadge = (outcome: 'ok' | 'error', status?: number) =>
  h(
    'span',
    { class: `state ${outcome === 'ok' ? 'state-ok' : 'state-bad'}` },
    outcome === 'ok' ? 'ok' : 'error',
    status === undefined ? '' : ` ${status}`,
  )

export function hopsTable(call: Call): HTMLElement {
  const headers = [
    'Time (UTC)',
    'Service',
    'Hop',
    'User',
    'Service user',
    'Actor chain',
    'Expired token let in',
    'Outcome',
  ]
  return h(
    'table',
    { class: 'stack hops' },
    h('caption', {}, `Hops of request ${call.request_id}, in time order`),
    h('thead', {}, h('tr', {}, ...headers.map((name) => h('th', { scope: 'col' }, name)))),
    h(
      'tbody',
      {},
      ...call.hops.map((hop) => {
        const cells: Child[] = [
          h('time', { datetime: hop.time }, clock(hop.time)),
          hop.service,
          h(
            'span',
            {},
            hop.direction === 'received' ? 'received ' : `sent to ${hop.target ?? '?'}: `,
            h('code', { class: 'hop-path' }, `${hop.method} ${hop.path}`),
            hop.service_token_sent === true ? ' (+ service token)' : '',
            hop.detail === null ? null : h('br'),
            hop.detail === null ? null : h('small', {}, hop.detail),
          ),
          who(hop.user_id, hop.user_name),
          who(hop.service_user_id, hop.service_user_name),
          hop.actor_chain.length === 0
            ? h('span', { class: 'muted' }, hop.delegation_id === null ? 'no delegation' : '—')
            : h('span', { class: 'chain' }, hop.actor_chain.join(' → ')),
          hop.direction === 'sent' ? h('span', { class: 'muted' }, 'n/a (sent)') : expiredText(hop),
          outcomeBadge(hop.outcome, hop.status),
        ]
        return h(
          'tr',
          { class: 'hop' },
          ...cells.map((cell, i) => h('td', { 'data-label': headers[i] ?? '' }, cell)),
        )
      }),
    ),
  )
}
