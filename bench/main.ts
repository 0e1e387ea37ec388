/**
 * `npm run bench`: installs what the comparisons need, runs the sections of issue 6 in order
 * (each one skipped with its reason when it cannot run, never crashing the run), prints the table
 * and writes bench/results/latest.json. Exit status 1 only when a section failed outright.
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { type BenchContext, createContext, SectionSkipped } from './lib/context.ts'
import { ensureDebianPackages } from './lib/debian.ts'
import {
  type BenchOptions,
  describeSettings,
  parseBenchArgs,
  USAGE,
  UsageError,
} from './lib/options.ts'
import { writeResultFile } from './lib/result_file.ts'
import {
  type BenchResult,
  type Figure,
  NOTICE,
  SECTION_TITLES,
  type SectionId,
  type SectionResult,
} from './lib/results.ts'
import { formatTable } from './lib/table.ts'
import { fleetSection } from './sections/fleet.ts'
import { formatterSection } from './sections/formatter.ts'
import { httpValidationSection } from './sections/http_validation.ts'
import { middlewareSection } from './sections/middleware.ts'
import { profileSection } from './sections/profile.ts'
import { revocationSection } from './sections/revocation.ts'
import { scaleSection } from './sections/scale.ts'
import { tokenIssueSection } from './sections/token_issue.ts'

type Outcome = Figure[] | { figures: Figure[]; details: string[] }
type SectionRunner = (ctx: BenchContext) => Promise<Outcome>

const RUNNERS: Readonly<Record<SectionId | 'profile', SectionRunner>> = {
  formatter: formatterSection,
  http_validation: httpValidationSection,
  token_issue: tokenIssueSection,
  middleware: middlewareSection,
  scale: scaleSection,
  revocation: revocationSection,
  fleet: fleetSection,
  profile: profileSection,
}

function log(line: string): void {
  process.stderr.write(`bench: ${line}\n`)
}

async function runSection(id: SectionId | 'profile', ctx: BenchContext): Promise<SectionResult> {
  const title = SECTION_TITLES[id]
  log(`${title}`)
  const started = performance.now()
  const base = { id, title, reason: null, figures: [], details: [] }
  const seconds = () => (performance.now() - started) / 1000
  try {
    const outcome = await RUNNERS[id](ctx)
    const { figures, details } = Array.isArray(outcome)
      ? { figures: outcome, details: [] }
      : outcome
    return { ...base, status: 'ok', seconds: seconds(), figures, details }
  } catch (error) {
    const skipped = error instanceof SectionSkipped
    const reason = error instanceof Error ? error.message : String(error)
    log(`${title}: ${skipped ? 'skipped' : 'FAILED'}: ${reason}`)
    if (!skipped && error instanceof Error && error.stack !== undefined) log(error.stack)
    return { ...base, status: skipped ? 'skipped' : 'failed', reason, seconds: seconds() }
  }
}

function machine(loadAtStart: number): BenchResult['machine'] {
  const list = cpus()
  const load1m = (value: number) => Math.round(value * 100) / 100
  return {
    cpus: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    loadAverage: { start: load1m(loadAtStart), end: load1m(loadavg()[0] ?? 0) },
  }
}

async function runAll(options: BenchOptions): Promise<BenchResult> {
  const startedAt = new Date().toISOString()
  const loadAtStart = loadavg()[0] ?? 0
  const availability = await ensureDebianPackages(options.install, log)
  const scratch = mkdtempSync(join(tmpdir(), 'baton-bench-'))
  const ctx = createContext(options, scratch, availability, log)
  const sections: SectionResult[] = []
  try {
    for (const id of options.sections) sections.push(await runSection(id, ctx))
    if (options.profile) sections.push(await runSection('profile', ctx))
  } finally {
    await ctx.close()
    rmSync(scratch, { recursive: true, force: true })
  }
  return {
    schema: 'baton-bench/1',
    startedAt,
    finishedAt: new Date().toISOString(),
    quick: options.quick,
    notice: NOTICE,
    machine: machine(loadAtStart),
    settings: describeSettings(options),
    sections,
  }
}

export async function runBench(argv: readonly string[]): Promise<number> {
  let options: BenchOptions
  try {
    options = parseBenchArgs(argv)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    process.stderr.write(`${error.message}\n${USAGE}\n`)
    return 2
  }
  const started = performance.now()
  const result = await runAll(options)
  writeResultFile(options.out, result)
  process.stdout.write(formatTable(result))
  log(`wrote ${options.out} in ${Math.round((performance.now() - started) / 1000)} s`)
  return result.sections.some((s) => s.status === 'failed') ? 1 : 0
}
