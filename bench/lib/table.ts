/**
 * The plain-text table `npm run bench` prints: one row per figure (value, target, met or missed
 * and by how much, the raw samples behind it), skipped and failed sections with their reason,
 * and a closing tally. Pure: it only formats a BenchResult.
 * @module
 */
import { table } from '../../packages/cli/src/format.ts'
import { type BenchResult, type Figure, margin, type Sample, tally } from './results.ts'

/** 12345.6 -> "12,346"; 3.14159 -> "3.14"; 0.012345 -> "0.0123" (three significant digits). */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value)
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US')
  return value === 0 ? '0' : Number(value.toPrecision(3)).toString()
}

function formatValue(figure: Figure): string {
  const number = formatNumber(figure.value)
  return figure.unit === 'x' ? `${number}x` : `${number} ${figure.unit}`
}

function formatTarget(figure: Figure): string {
  if (figure.target === null) return '-'
  const unit = figure.unit === 'x' ? 'x' : ` ${figure.unit}`
  return `${figure.target.op} ${formatNumber(figure.target.value)}${unit}`
}

function formatVerdict(figure: Figure): string {
  if (figure.met === null) return 'info'
  const m = margin(figure)
  const by = m === null ? '' : ` by ${Math.abs(Math.round(m * 100))}%`
  return figure.met ? `met${by}` : `MISSED${by}`
}

function formatSample(sample: Sample): string {
  return `${sample.label} ${formatNumber(sample.value)} ${sample.unit}`
}

export function formatTable(result: BenchResult): string {
  const out: string[] = []
  const mode = result.quick ? 'quick smoke run' : 'full run'
  out.push(`Baton bench, ${mode}, ${result.startedAt}`)
  out.push(
    `machine: ${result.machine.cpus} x ${result.machine.cpuModel}, ` +
      `${result.machine.memoryGiB} GiB, node ${result.machine.node}, load average ` +
      `${result.machine.loadAverage.start} at start, ${result.machine.loadAverage.end} at end`,
  )
  const settings = Object.entries(result.settings)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ')
  if (settings !== '') out.push(`settings: ${settings}`)
  out.push(`note: ${result.notice}`, '')
  const rows: string[][] = [['figure', 'value', 'target', 'verdict', 'measured side by side']]
  for (const section of result.sections) {
    if (section.status !== 'ok') {
      rows.push([
        `${section.title}: ${section.status.toUpperCase()}`,
        '',
        '',
        '',
        section.reason ?? '',
      ])
      continue
    }
    rows.push([`${section.title} (${Math.round(section.seconds)} s)`, '', '', '', ''])
    for (const figure of section.figures) {
      rows.push([
        `  ${figure.title}`,
        formatValue(figure),
        formatTarget(figure),
        formatVerdict(figure),
        figure.samples.map(formatSample).join(' vs '),
      ])
    }
  }
  out.push(...table(rows))
  for (const section of result.sections) {
    if (section.details.length === 0) continue
    out.push('', `${section.title}:`, ...section.details.map((line) => `  ${line}`))
  }
  const notes = result.sections.flatMap((s) =>
    s.figures.filter((f) => f.note !== null).map((f) => `  ${f.id}: ${f.note}`),
  )
  if (notes.length > 0) out.push('', 'notes:', ...notes)
  const t = tally(result)
  out.push('', `targets met: ${t.met}, missed: ${t.missed}, sections not run: ${t.skipped}`)
  return `${out.join('\n')}\n`
}
