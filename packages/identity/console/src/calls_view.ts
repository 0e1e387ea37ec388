/**
 * The Delegated calls view: live, from the services' audit trails (`GET /v3/OS-BATON/calls`): one
 * row per request id with its user, the services it went through, whether an expired token was let
 * in and the outcome; a row opens (a button, so the keyboard can) onto its hops with the user,
 * service user, actor chain and lateness. Filters are a real form. While shown it polls every 2 s
 * (stopped by the view's AbortSignal) and marks calls that are new or grew since the last poll.
 * @module
 */
import { ApiError, getJson, SESSION_ENDED, type Session } from './api.ts'
import { type CallsReport, clock, expiredText, hopsTable, outcomeBadge, who } from './call_hops.ts'
import { type Child, h, replace } from './dom.ts'

const POLL_MS = 2000
/** How long a new (or grown) call stays marked as new. */
const FRESH_MS = 10_000
const FIELDS = ['user_id', 'service', 'outcome', 'expired_let_in'] as const
type Filters = Record<(typeof FIELDS)[number], string>

/** "12:00:05" in UTC: calls are minutes apart at most in a demo, seconds matter. */

function query(filters: Filters): string {
  const params = new URLSearchParams({ limit: '100' })
  for (const name of FIELDS) if (filters[name] !== '') params.set(name, filters[name])
  return `OS-BATON/calls?${params}`
}

function select(
  id: keyof Filters,
  label: string,
  options: readonly (readonly [string, string])[],
  value: string,
) {
  const control = h(
    'select',
    { id: `filter-${id}`, name: id },
    ...options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)),
  )
  return h('div', { class: 'field' }, h('label', { for: `filter-${id}` }, label), control)
}

function trailNotes(report: CallsReport): HTMLElement | null {
  if (report.files.length === 0) {
    return h(
      'p',
      { class: 'alert' },
      'No audit trail is configured: set [console] audit_trail_files to the services’ [audit] file (baton up does).',
    )
  }
  const notes = report.files.flatMap((f) => {
    if (f.state === 'missing') return [`${f.file}: no such file yet (no service has written it).`]
    if (f.state === 'unreadable') return [`${f.file}: cannot be read (${f.error ?? 'error'}).`]
    return f.junk_lines > 0
      ? [`${f.file}: ${f.junk_lines} line(s) were not audit lines, skipped.`]
      : []
  })
  return notes.length === 0
    ? null
    : h(
        'ul',
        { class: 'notes', 'aria-label': 'About the trail' },
        ...notes.map((n) => h('li', {}, n)),
      )
}

export async function callsView(session: Session, signal: AbortSignal): Promise<HTMLElement> {
  const filters: Filters = { user_id: '', service: '', outcome: '', expired_let_in: '' }
  let report = await getJson<CallsReport>(query(filters), session.token)
  /** request id → hop count at the last poll: a call not there, or with more hops, is new. */
  let seen: Map<string, number> | undefined
  /** request id → until when (ms) its row shows as new. */
  const freshUntil = new Map<string, number>()
  let formFacts = ''
  const expanded = new Set<string>()
  let paused = false

  const formSlot = h('div')
  const notesSlot = h('div')
  const status = h('p', { class: 'live', role: 'status' })
  const tableSlot = h('div', { class: 'table-wrap' })
  const pause = h('button', { type: 'button', 'aria-pressed': 'false' }, 'Pause live updates')
  pause.addEventListener('click', () => {
    paused = !paused
    pause.setAttribute('aria-pressed', String(paused))
    pause.textContent = paused ? 'Resume live updates' : 'Pause live updates'
    if (!paused) void poll()
  })

  function renderForm(): void {
    formFacts = JSON.stringify([report.users, report.services])
    const users: [string, string][] = report.users.map((u) => [u.id, u.name ?? u.id])
    if (filters.user_id !== '' && !users.some(([id]) => id === filters.user_id))
      users.push([filters.user_id, filters.user_id])
    const services: [string, string][] = report.services.map((s) => [s, s])
    if (filters.service !== '' && !report.services.includes(filters.service))
      services.push([filters.service, filters.service])
    const form = h(
      'form',
      { class: 'filters', 'aria-label': 'Filter the calls' },
      select('user_id', 'User', [['', 'any user'], ...users], filters.user_id),
      select('service', 'Service', [['', 'any service'], ...services], filters.service),
      select(
        'outcome',
        'Outcome',
        [
          ['', 'any outcome'],
          ['ok', 'ok'],
          ['error', 'error'],
        ],
        filters.outcome,
      ),
      select(
        'expired_let_in',
        'Expired token let in',
        [
          ['', 'either'],
          ['true', 'yes'],
          ['false', 'no'],
        ],
        filters.expired_let_in,
      ),
      h(
        'div',
        { class: 'filter-actions' },
        h('button', { type: 'submit', class: 'primary' }, 'Filter'),
        h('button', { type: 'reset' }, 'Clear'),
      ),
    )
    form.addEventListener('submit', (event) => {
      event.preventDefault()
      const data = new FormData(form)
      for (const name of FIELDS) filters[name] = String(data.get(name) ?? '')
      seen = undefined
      freshUntil.clear()
      void poll(true)
    })
    form.addEventListener('reset', (event) => {
      event.preventDefault()
      for (const name of FIELDS) filters[name] = ''
      for (const control of form.querySelectorAll('select')) control.value = ''
      seen = undefined
      freshUntil.clear()
      void poll(true)
    })
    replace(formSlot, form)
  }

  function renderTable(): void {
    const previous = seen
    const focused = document.activeElement?.getAttribute('data-request') ?? null
    const headers = [
      'Last hop (UTC)',
      'Request',
      'User',
      'Services',
      'Expired token let in',
      'Outcome',
    ]
    const rows: HTMLElement[] = []
    for (const call of report.calls) {
      if (previous !== undefined && (previous.get(call.request_id) ?? -1) < call.hops.length) {
        freshUntil.set(call.request_id, Date.now() + FRESH_MS)
      }
      const fresh = (freshUntil.get(call.request_id) ?? 0) > Date.now()
      const open = expanded.has(call.request_id)
      const hopsId = `hops-${call.request_id.replace(/[^A-Za-z0-9_-]/g, '_')}`
      const toggle = h(
        'button',
        {
          type: 'button',
          class: 'toggle',
          'aria-expanded': String(open),
          'aria-controls': hopsId,
          'data-request': call.request_id,
        },
        `${open ? '▾' : '▸'} ${call.request_id.replace(/^req-/, '').slice(0, 13)}`,
        h('span', { class: 'sr-only' }, `: ${open ? 'hide' : 'show'} its ${call.hops.length} hops`),
      )
      toggle.addEventListener('click', () => {
        if (expanded.has(call.request_id)) expanded.delete(call.request_id)
        else expanded.add(call.request_id)
        renderTable()
      })
      const latest = call.hops.filter((hop) => hop.expired_let_in)
      const worst = latest.reduce<number | null>(
        (max, hop) => (hop.late_seconds === null ? max : Math.max(max ?? 0, hop.late_seconds)),
        null,
      )
      const cells: Child[] = [
        h(
          'span',
          {},
          h('time', { datetime: call.last_time }, clock(call.last_time)),
          fresh ? h('span', { class: 'new-badge' }, 'new') : null,
        ),
        h(
          'span',
          {},
          toggle,
          h('br'),
          h('small', {}, `${call.hops.length} hop${call.hops.length === 1 ? '' : 's'}`),
        ),
        who(call.user_id, call.user_name),
        h('span', { class: 'chain' }, call.services.join(' → ')),
        call.expired_let_in ? expiredText({ expired_let_in: true, late_seconds: worst }) : 'no',
        h(
          'span',
          {},
          outcomeBadge(call.outcome),
          call.delegated ? h('small', { class: 'delegated' }, ' delegation') : null,
        ),
      ]
      rows.push(
        h(
          'tr',
          { class: fresh ? 'call fresh' : 'call' },
          ...cells.map((cell, i) => h('td', { 'data-label': headers[i] ?? '' }, cell)),
        ),
      )
      if (open) {
        rows.push(
          h(
            'tr',
            { class: 'hops-row', id: hopsId },
            h('td', { colspan: String(headers.length) }, hopsTable(call)),
          ),
        )
      }
    }
    replace(
      tableSlot,
      report.calls.length === 0
        ? h(
            'p',
            { class: 'empty' },
            report.lines_in_memory === 0
              ? 'No delegated call in the trail yet. Calls appear here as the services handle them.'
              : 'No call matches these filters.',
          )
        : h(
            'table',
            { class: 'stack calls' },
            h('caption', {}, 'Delegated calls, newest first (one row per request id)'),
            h('thead', {}, h('tr', {}, ...headers.map((name) => h('th', { scope: 'col' }, name)))),
            h('tbody', {}, ...rows),
          ),
    )
    seen = new Map(report.calls.map((call) => [call.request_id, call.hops.length]))
    if (focused !== null) {
      const again = [...tableSlot.querySelectorAll<HTMLElement>('[data-request]')].find(
        (el) => el.getAttribute('data-request') === focused,
      )
      again?.focus()
    }
  }

  function renderStatus(error?: string): void {
    const shown = report.calls.length
    status.textContent =
      error !== undefined
        ? `Live update failed (${error}); retrying.`
        : `${paused ? 'Paused' : 'Live'}: updated ${clock(report.now)} UTC · ${shown} of ${report.matching} matching call${report.matching === 1 ? '' : 's'} shown · ${report.lines_in_memory} trail lines in memory (up to ${report.max_lines}).`
  }

  let timer: ReturnType<typeof setTimeout> | undefined
  async function poll(now = false): Promise<void> {
    if (timer !== undefined) clearTimeout(timer)
    timer = undefined
    if (signal.aborted) return
    if (!paused || now) {
      try {
        report = await getJson<CallsReport>(query(filters), session.token)
        if (signal.aborted) return
        // the form is redrawn only when the trail brought new users or services, and never
        // under the user's hands
        const changed = JSON.stringify([report.users, report.services]) !== formFacts
        if (changed && !formSlot.contains(document.activeElement)) renderForm()
        replace(notesSlot, trailNotes(report))
        renderTable()
        renderStatus()
      } catch (error) {
        if (signal.aborted) return
        if (error instanceof ApiError && error.status === 401) {
          window.dispatchEvent(new Event(SESSION_ENDED))
          return
        }
        renderStatus(error instanceof Error ? error.message : String(error))
      }
    }
    if (!signal.aborted && !paused) timer = setTimeout(() => void poll(), POLL_MS)
  }
  signal.addEventListener('abort', () => {
    if (timer !== undefined) clearTimeout(timer)
  })

  renderForm()
  replace(notesSlot, trailNotes(report))
  renderTable()
  renderStatus()
  timer = setTimeout(() => void poll(), POLL_MS)
  return h(
    'div',
    { class: 'calls-view' },
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'calls-filter-title' },
      h('h2', { id: 'calls-filter-title' }, 'Filters'),
      formSlot,
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'calls-title' },
      h('h2', { id: 'calls-title' }, 'Calls'),
      h('div', { class: 'live-bar' }, status, pause),
      notesSlot,
      tableSlot,
    ),
  )
}
