/**
 * What `baton doctor` reports: one typed finding per problem, each naming the file, section and
 * option to change and how, rendered as text blocks or JSON. Messages never carry secrets: checks
 * name users, roles, URLs and fingerprints, never passwords, tokens or keys.
 * @module
 */
import type { ConfigRole } from './options.ts'

export type Severity = 'error' | 'warning'

export type Finding = {
  readonly severity: Severity
  /** The config file (as given on the command line) the fix goes into. */
  readonly file: string
  readonly section: string
  readonly option: string
  readonly problem: string
  readonly fix: string
  /**
   * The hop the finding is about, as the sender's and the receiver's config files, when the check
   * compared the two (the console's Chains view colours that edge). Not printed by the CLI.
   */
  readonly edge?: { readonly from: string; readonly to: string }
}

/** What each file was read as, for the report's header. */
export type FileRoles = {
  readonly file: string
  /** As the report prints them (`identity node`, ..., or `not loaded`). */
  readonly roles: readonly string[]
  /** The same, typed (not printed): empty when the file did not load. */
  readonly kinds: readonly ConfigRole[]
  /** False when the file could not be read or parsed (not printed). */
  readonly loaded: boolean
}

export type DoctorReport = {
  readonly files: readonly FileRoles[]
  readonly findings: readonly Finding[]
}

/** Collects findings in the order the checks produce them. */
export class Findings {
  readonly #items: Finding[] = []

  add(finding: Finding): void {
    this.#items.push(finding)
  }

  error(file: string, section: string, option: string, problem: string, fix: string): void {
    this.add({ severity: 'error', file, section, option, problem, fix })
  }

  warning(file: string, section: string, option: string, problem: string, fix: string): void {
    this.add({ severity: 'warning', file, section, option, problem, fix })
  }

  list(): readonly Finding[] {
    return [...this.#items]
  }
}

export function countErrors(findings: readonly Finding[]): number {
  return findings.filter((f) => f.severity === 'error').length
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

/** `2 errors, 1 warning in 3 config files`. */
export function summaryLine(report: DoctorReport): string {
  const errors = countErrors(report.findings)
  const warnings = report.findings.length - errors
  const files = plural(report.files.length, 'config file')
  if (report.findings.length === 0) return `No problems found in ${files}.`
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${files}.`
}

/** Human output: what each file was read as, one block per finding (errors first), a summary. */
export function renderText(report: DoctorReport): string[] {
  const lines: string[] = []
  for (const { file, roles } of report.files) {
    lines.push(`${file}: ${roles.length === 0 ? 'nothing to check' : roles.join(', ')}`)
  }
  const ordered = [
    ...report.findings.filter((f) => f.severity === 'error'),
    ...report.findings.filter((f) => f.severity === 'warning'),
  ]
  for (const f of ordered) {
    lines.push('')
    lines.push(`${f.severity.toUpperCase()}: ${f.file} [${f.section}] ${f.option}`)
    lines.push(`  problem: ${f.problem}`)
    lines.push(`  fix: ${f.fix}`)
  }
  lines.push('')
  lines.push(summaryLine(report))
  return lines
}

/** Machine output: the findings as typed records, plus counts. */
export function renderJson(report: DoctorReport): string {
  const errors = countErrors(report.findings)
  return JSON.stringify(
    {
      files: report.files.map(({ file, roles }) => ({ file, roles })),
      findings: report.findings.map(({ edge: _edge, ...printed }) => printed),
      summary: { errors, warnings: report.findings.length - errors },
    },
    null,
    2,
  )
}
