/**
 * The Windows view (`GET /v3/OS-BATON/windows`): per receiving service, how long after expiry the
 * user tokens it let in on a service token's word had expired, as a histogram against identity's
 * `[token] allow_expired_window` (drawn as a marker), with the figures beside it in text and the
 * verdict: how far the window could shrink, or that it could be 0 with delegation. The histogram
 * is SVG sized by attributes (the CSP forbids inline styles); colour is never the only cue.
 * @module
 */
import { getJson, type Session } from './api.ts'
import { type Child, fact, h } from './dom.ts'
import { duration } from './format.ts'

type Bucket = { from: number; to: number | null; count: number }

type Receiver = {
  service: string
  received: number
  delegated: number
  expired_let_in: number
  lateness_unknown: number
  buckets: Bucket[]
  p50_seconds: number | null
  p95_seconds: number | null
  max_seconds: number | null
  suggested_window_seconds: number | null
  verdict: string
}

export type WindowsReport = {
  now: string
  files: { file: string; state: string }[]
  allow_expired_window: number
  expiration: number
  delegation_enabled: boolean
  delegation_max_lifetime: number | null
  receivers: Receiver[]
  verdict: string
}

const SVG = 'http://www.w3.org/2000/svg'

/** An SVG element from attributes (presentation attributes, not styles) and children. */
function s(tag: string, attributes: Record<string, string | number>, ...children: Child[]) {
  const element = document.createElementNS(SVG, tag)
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value))
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue
    element.appendChild(child instanceof Node ? child : document.createTextNode(String(child)))
  }
  return element
}

/** A lateness: seconds count under 10 min (1 min 37 s), else the console's usual duration. */
function late(seconds: number): string {
  const s = Math.round(seconds)
  if (s < 60 || s >= 600) return duration(s)
  return s % 60 === 0 ? `${s / 60} min` : `${Math.floor(s / 60)} min ${s % 60} s`
}

const short = (seconds: number) => duration(seconds).replace(' ', '')
const bucketLabel = (b: Bucket) => (b.to === null ? `≥${short(b.from)}` : `<${short(b.to)}`)

/** Where `seconds` falls along the buckets, as a fraction of the chart's width. */
function position(buckets: readonly Bucket[], seconds: number): number {
  const i = buckets.findIndex((b) => b.to === null || seconds < b.to)
  const bucket = buckets[i]
  if (bucket === undefined) return 1
  const within =
    bucket.to === null ? 0.5 : (seconds - bucket.from) / Math.max(1, bucket.to - bucket.from)
  return (i + Math.min(1, Math.max(0, within))) / buckets.length
}

/** The chart's drawing size: a wide one for a desk, a narrow one (larger type) for a phone. */
type Size = { readonly name: 'wide' | 'narrow'; readonly width: number; readonly height: number }
const SIZES: readonly Size[] = [
  { name: 'wide', width: 640, height: 220 },
  { name: 'narrow', width: 380, height: 200 },
]
const TOP = 34
const BOTTOM = 40
const SIDE = 8

function histogram(r: Receiver, window: number, size: Size): SVGElement {
  const { width: WIDTH, height: HEIGHT } = size
  const n = r.buckets.length
  const plotW = WIDTH - 2 * SIDE
  const plotH = HEIGHT - TOP - BOTTOM
  const slot = plotW / n
  const most = Math.max(1, ...r.buckets.map((b) => b.count))
  const baseY = TOP + plotH
  const bars = r.buckets.map((b, i) => {
    const height = b.count === 0 ? 0 : Math.max(3, (b.count / most) * plotH)
    const x = SIDE + i * slot + slot * 0.15
    const beyond = b.from >= window
    return s(
      'g',
      {},
      s('rect', {
        class: beyond ? 'bar bar-beyond' : 'bar',
        x: x.toFixed(1),
        y: (baseY - height).toFixed(1),
        width: (slot * 0.7).toFixed(1),
        height: height.toFixed(1),
      }),
      b.count === 0
        ? null
        : s(
            'text',
            {
              class: 'bar-count',
              x: (x + slot * 0.35).toFixed(1),
              y: (baseY - height - 4).toFixed(1),
              'text-anchor': 'middle',
            },
            String(b.count),
          ),
      s(
        'text',
        {
          class: 'bar-label',
          x: (x + slot * 0.35).toFixed(1),
          y: baseY + 16,
          'text-anchor': 'middle',
        },
        bucketLabel(b),
      ),
    )
  })
  const wx = SIDE + position(r.buckets, window) * plotW
  const marker = s(
    'g',
    { class: 'window-marker' },
    s('line', { x1: wx.toFixed(1), x2: wx.toFixed(1), y1: TOP - 8, y2: baseY + 2 }),
    s(
      'text',
      {
        x: (wx - 4).toFixed(1),
        y: TOP - 14,
        'text-anchor': wx > WIDTH * 0.6 ? 'end' : 'start',
      },
      `window ${duration(window)}`,
    ),
  )
  const summary =
    r.max_seconds === null
      ? `${r.service}: no expired token let in; window ${duration(window)}.`
      : `${r.service}: ${r.expired_let_in} expired tokens let in, at most ${late(r.max_seconds)} late, against a window of ${duration(window)}.`
  return s(
    'svg',
    {
      class: `histogram histogram-${size.name}`,
      viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
      role: 'img',
      'aria-label': summary,
      preserveAspectRatio: 'xMidYMid meet',
    },
    s('title', {}, summary),
    s('line', {
      class: 'axis',
      x1: SIDE,
      x2: WIDTH - SIDE,
      y1: baseY,
      y2: baseY,
    }),
    ...bars,
    marker,
    s(
      'text',
      { class: 'axis-title', x: WIDTH / 2, y: HEIGHT - 6, 'text-anchor': 'middle' },
      size.name === 'wide' ? 'how long after expiry the token was let in' : 'time since expiry',
    ),
  )
}

const maybe = (seconds: number | null) => (seconds === null ? '—' : late(seconds))

function receiverCard(r: Receiver, report: WindowsReport): HTMLElement {
  const id = `window-${r.service.replace(/[^A-Za-z0-9_-]/g, '_')}`
  return h(
    'section',
    {
      class: `card receiver ${r.expired_let_in > 0 ? 'receiver-late' : 'receiver-none'}`,
      'aria-labelledby': id,
    },
    h(
      'h2',
      { id },
      r.service,
      h(
        'span',
        { class: `state ${r.expired_let_in > 0 ? 'state-warn' : 'state-ok'}` },
        r.expired_let_in > 0 ? `${r.expired_let_in} expired let in` : 'no expired token let in',
      ),
    ),
    h('p', { class: 'verdict' }, r.verdict),
    h(
      'div',
      { class: 'receiver-body' },
      h(
        'div',
        { class: 'chart' },
        ...SIZES.map((size) => histogram(r, report.allow_expired_window, size)),
      ),
      h(
        'dl',
        { class: 'facts' },
        fact('Requests with a user token', String(r.received)),
        fact('With a delegation token', String(r.delegated)),
        fact('Expired tokens let in', String(r.expired_let_in)),
        r.lateness_unknown > 0 ? fact('Lateness unknown', String(r.lateness_unknown)) : null,
        fact('Lateness p50', maybe(r.p50_seconds)),
        fact('Lateness p95', maybe(r.p95_seconds)),
        fact('Lateness max', maybe(r.max_seconds)),
        fact('Configured window', duration(report.allow_expired_window)),
        fact(
          'Window that would do',
          r.suggested_window_seconds === null
            ? '0 (nothing let in late)'
            : duration(r.suggested_window_seconds),
        ),
      ),
    ),
  )
}

export function windowsView(report: WindowsReport): HTMLElement {
  const configured = report.files.length > 0
  return h(
    'div',
    { class: 'windows' },
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'windows-title' },
      h('h2', { id: 'windows-title' }, 'Expired tokens let in, against the window'),
      h('p', { class: 'verdict' }, report.verdict),
      h(
        'dl',
        { class: 'facts windows-facts' },
        fact('[token] allow_expired_window', duration(report.allow_expired_window)),
        fact('[token] expiration', duration(report.expiration)),
        fact(
          '[delegation]',
          report.delegation_enabled
            ? `enabled, max_lifetime ${duration(report.delegation_max_lifetime ?? 0)}`
            : 'disabled',
        ),
      ),
      configured
        ? h(
            'p',
            { class: 'fine' },
            'Lateness is measured when the receiving service answered (an upper bound). A delegation token is not an expired token: senders with [service_user] delegate need no window.',
          )
        : h(
            'p',
            { class: 'alert' },
            'No audit trail is configured: set [console] audit_trail_files (baton up does).',
          ),
      ...report.files
        .filter((f) => f.state !== 'reading')
        .map((f) =>
          h(
            'p',
            { class: 'alert' },
            `${f.file}: ${f.state === 'missing' ? 'no such file yet' : 'cannot be read'}.`,
          ),
        ),
    ),
    ...report.receivers.map((r) => receiverCard(r, report)),
  )
}

export async function loadWindowsView(session: Session): Promise<HTMLElement> {
  return windowsView(await getJson<WindowsReport>('OS-BATON/windows', session.token))
}
