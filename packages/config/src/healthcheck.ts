/**
 * `/healthcheck` as oslo.middleware's Healthcheck app answers it (Keystone mounts it at
 * /healthcheck with the `[healthcheck]` group of keystone.conf), shared by the identity server,
 * the reference services and the echo: GET 200 / 503, HEAD 204 / 503, the body negotiated between
 * text/plain (the default), text/html and application/json, one reason per configured backend
 * (none by default, so the plain body is empty, as Keystone's is). Backends: `disable_by_file`
 * and `disable_by_files_ports`. Framework-free: callers pass method, Accept and port, and write
 * the answer with fastify or node's http.
 * @module
 */
import { existsSync } from 'node:fs'
import { defineGroup, type GroupValues } from './groups.ts'
import { opt } from './options.ts'

export const healthcheckOptions = defineGroup(
  'healthcheck',
  {
    detailed: opt.bool({
      default: false,
      help:
        'Show more detailed information as part of the response. Security note: Enabling this ' +
        'option may expose sensitive details about the service being monitored. Baton shows the ' +
        'detailed JSON view only to a caller whose X-Auth-Token carries the admin role; everyone ' +
        'else gets the plain view.',
    }),
    backends: opt.list({
      default: [],
      help:
        'Additional backends that can perform health checks and report that information back as ' +
        'part of a request. Baton implements disable_by_file and disable_by_files_ports.',
    }),
    disable_by_file_path: opt.str({
      help:
        'Check the presence of a file to determine if an application is running on a port. Used ' +
        'by the disable_by_file backend: while the file exists, /healthcheck answers 503.',
    }),
    disable_by_file_paths: opt.list({
      default: [],
      help:
        'Check the presence of a file based on a port to determine if an application is running ' +
        'on a port. Expects a "port:path" list of strings. Used by the disable_by_files_ports ' +
        'backend.',
    }),
  },
  { help: 'The /healthcheck endpoint (oslo.middleware healthcheck).' },
)

export type HealthcheckValues = GroupValues<(typeof healthcheckOptions)['options']>

/** One backend's verdict, as oslo's HealthcheckResult. */
export type HealthcheckResult = {
  readonly available: boolean
  readonly reason: string
  readonly details: string
  readonly class: string
}

export type HealthcheckRequest = {
  readonly method: string
  readonly accept: string | undefined
  /** The local port the request arrived on (disable_by_files_ports keys on it). */
  readonly port: number
}

/** What to send: status, content type (absent for a 204) and body. */
export type HealthcheckAnswer = {
  readonly status: number
  readonly contentType: string | undefined
  readonly body: string
}

/** The configured backends' results, in configuration order; unknown backends are skipped. */
export function healthcheckResults(values: HealthcheckValues, port: number): HealthcheckResult[] {
  const results: HealthcheckResult[] = []
  for (const backend of values.backends) {
    if (backend === 'disable_by_file') results.push(byFile(values.disable_by_file_path))
    if (backend === 'disable_by_files_ports') results.push(byPortFile(values, port))
  }
  return results
}

function byFile(path: string | undefined): HealthcheckResult {
  const kind = 'HealthcheckResult'
  if (path === undefined || path === '') {
    const details = "No 'disable_by_file_path' configuration value specified"
    return { available: true, reason: 'OK', details, class: kind }
  }
  if (!existsSync(path)) {
    return { available: true, reason: 'OK', details: `Path '${path}' was not found`, class: kind }
  }
  const details = `Path '${path}' was found`
  return { available: false, reason: 'DISABLED BY FILE', details, class: kind }
}

function byPortFile(values: HealthcheckValues, port: number): HealthcheckResult {
  for (const entry of values.disable_by_file_paths) {
    const at = entry.indexOf(':')
    if (at > 0 && Number(entry.slice(0, at).trim()) === port) {
      const path = entry.slice(at + 1).trim()
      const available = !existsSync(path)
      const reason = available ? 'OK' : 'DISABLED BY FILE'
      return { available, reason, details: '', class: 'HealthcheckResult' }
    }
  }
  return { available: true, reason: 'OK', details: '', class: 'HealthcheckResult' }
}

const OFFERS = ['text/plain', 'text/html', 'application/json'] as const
type Offer = (typeof OFFERS)[number]

/** webob's acceptable_offers: the client's highest q wins, ties go to the server's order. */
export function negotiateHealthcheckType(accept: string | undefined): Offer {
  if (accept === undefined || accept.trim() === '') return 'text/plain'
  const ranges = accept.split(',').map((part) => {
    const [range = '', ...params] = part.split(';').map((p) => p.trim().toLowerCase())
    const q = params.find((p) => p.startsWith('q='))
    const quality = q === undefined ? 1 : Number(q.slice(2))
    return { range, quality: Number.isFinite(quality) ? quality : 0 }
  })
  let best: { offer: Offer; quality: number } | undefined
  for (const offer of OFFERS) {
    const quality = qualityOf(offer, ranges)
    if (quality > 0 && (best === undefined || quality > best.quality)) best = { offer, quality }
  }
  return best?.offer ?? 'text/plain'
}

function qualityOf(offer: Offer, ranges: { range: string; quality: number }[]): number {
  const [type] = offer.split('/')
  const exact = ranges.find((r) => r.range === offer)
  if (exact !== undefined) return exact.quality
  const partial = ranges.find((r) => r.range === `${type}/*`)
  if (partial !== undefined) return partial.quality
  return ranges.find((r) => r.range === '*/*')?.quality ?? 0
}

/** Extra, Baton-specific facts for the detailed JSON view (shown to admins only). */
export type HealthcheckDetails = Readonly<Record<string, unknown>>

/**
 * The answer for one request. `details` is given only when `[healthcheck] detailed` is on and the
 * caller may see them; otherwise the plain (non-detailed) view is rendered.
 */
export function healthcheckAnswer(
  request: HealthcheckRequest,
  results: readonly HealthcheckResult[],
  details?: HealthcheckDetails,
): HealthcheckAnswer {
  const healthy = results.every((r) => r.available)
  if (request.method === 'HEAD') {
    return healthy
      ? { status: 204, contentType: undefined, body: '' }
      : { status: 503, contentType: 'text/plain; charset=UTF-8', body: '' }
  }
  const status = healthy ? 200 : 503
  const type = negotiateHealthcheckType(request.accept)
  if (type === 'application/json') {
    const body =
      details === undefined
        ? { detailed: false, reasons: results.map((r) => r.reason) }
        : {
            detailed: true,
            ...details,
            reasons: results.map(({ reason, details: d, class: kind }) => ({
              class: kind,
              details: d,
              reason,
            })),
          }
    return { status, contentType: 'application/json', body: JSON.stringify(body, null, 4) }
  }
  if (type === 'text/html') {
    const rows = results.map((r) => `<TR>\n    <TD>${escapeHtml(r.reason)}</TD>\n</TR>`).join('')
    const body =
      '<HTML>\n<HEAD><TITLE>Healthcheck Status</TITLE></HEAD>\n<BODY>\n' +
      `<H2>Result of ${results.length} checks:</H2>\n<TABLE bgcolor="#ffffff" border="1">\n` +
      `<TBODY>\n<TR>\n<TH>\nReason\n</TH>\n</TR>\n${rows}\n</TBODY>\n</TABLE>\n<HR></HR>\n\n</BODY>\n</HTML>`
    return { status, contentType: 'text/html; charset=UTF-8', body }
  }
  const body = results
    .map((r) => r.reason)
    .filter((r) => r !== '')
    .join('\n')
  return { status, contentType: 'text/plain; charset=UTF-8', body }
}

function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&#34;')
    .replaceAll("'", '&#39;')
}
