/**
 * The bench's result model: sections of figures, each figure a ratio (or a latency, or a size)
 * with the raw samples behind it and the issue's target. Pure functions only, so the table and
 * the JSON file can be checked on fabricated results without timing anything.
 * @module
 */

export const SECTION_IDS = [
  'formatter',
  'http_validation',
  'token_issue',
  'middleware',
  'scale',
  'revocation',
  'fleet',
] as const
export type SectionId = (typeof SECTION_IDS)[number]

export const SECTION_TITLES: Readonly<Record<SectionId | 'profile', string>> = {
  formatter: '1. In-process token validation',
  http_validation: '2. HTTP validation',
  token_issue: '3. Token issue',
  middleware: '4. Middleware overhead',
  scale: '5. Scale',
  revocation: '6. Revocation reach (DELETE to first 401 at a cached service)',
  fleet: '7. Fleet (identity nodes on PostgreSQL behind HAProxy)',
  profile: 'Profile (identity under validation load)',
}

export type Target = { readonly op: '>=' | '<='; readonly value: number }

/** A raw measurement behind a figure, e.g. `Baton 12000 req/s`. */
export type Sample = { readonly label: string; readonly value: number; readonly unit: string }

export type FigureUnit = 'x' | 'ms' | 's' | 'MiB'

export type Figure = {
  /** Stable key, `<section>.<what>`, for comparing runs. */
  readonly id: string
  readonly title: string
  readonly value: number
  readonly unit: FigureUnit
  readonly target: Target | null
  /** null when the figure has no target (reported for information). */
  readonly met: boolean | null
  readonly samples: readonly Sample[]
  readonly note: string | null
}

export type SectionStatus = 'ok' | 'skipped' | 'failed'

export type SectionResult = {
  readonly id: SectionId | 'profile'
  readonly title: string
  readonly status: SectionStatus
  /** Why a section was skipped or failed; null when it ran. */
  readonly reason: string | null
  readonly seconds: number
  readonly figures: readonly Figure[]
  /** Free-form lines (the profile's top functions). */
  readonly details: readonly string[]
}

export type BenchResult = {
  readonly schema: 'baton-bench/1'
  readonly startedAt: string
  readonly finishedAt: string
  readonly quick: boolean
  readonly notice: string
  readonly machine: {
    readonly cpus: number
    readonly cpuModel: string
    readonly memoryGiB: number
    readonly node: string
    readonly platform: string
    /** 1-minute load average when the run started and ended: how busy the shared machine was. */
    readonly loadAverage: { readonly start: number; readonly end: number }
  }
  readonly settings: Readonly<Record<string, string | number | boolean>>
  readonly sections: readonly SectionResult[]
}

export const NOTICE =
  'Every figure is a ratio of two measurements taken side by side (alternating, same machine, same ' +
  'run, same load generator settings). The machine is shared and noisy: compare ratios, not the ' +
  'absolute rates, and expect a few percent of run-to-run spread.'

export function meets(value: number, target: Target): boolean {
  return target.op === '>=' ? value >= target.value : value <= target.value
}

type FigureInput = {
  readonly id: string
  readonly title: string
  readonly target?: Target | null
  readonly note?: string | null
}

/** `subject / baseline`, e.g. Baton's rate over Keystone's. */
export function ratioFigure(input: FigureInput & { subject: Sample; baseline: Sample }): Figure {
  const { subject, baseline } = input
  const value = baseline.value > 0 ? subject.value / baseline.value : Number.POSITIVE_INFINITY
  return valueFigure({ ...input, value, unit: 'x', samples: [subject, baseline] })
}

export function valueFigure(
  input: FigureInput & { value: number; unit: FigureUnit; samples?: readonly Sample[] },
): Figure {
  const target = input.target ?? null
  return {
    id: input.id,
    title: input.title,
    value: input.value,
    unit: input.unit,
    target,
    met: target === null ? null : meets(input.value, target),
    samples: input.samples ?? [],
    note: input.note ?? null,
  }
}

/** How far a figure is from its target, as a signed fraction of the target (+0.2 = 20% better). */
export function margin(figure: Figure): number | null {
  if (figure.target === null || figure.target.value === 0) return null
  const relative = (figure.value - figure.target.value) / figure.target.value
  return figure.target.op === '>=' ? relative : -relative
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  const upper = sorted[mid] ?? Number.NaN
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? upper) + upper) / 2
}

export type Tally = { readonly met: number; readonly missed: number; readonly skipped: number }

export function tally(result: BenchResult): Tally {
  let met = 0
  let missed = 0
  let skipped = 0
  for (const section of result.sections) {
    if (section.status !== 'ok') skipped++
    for (const figure of section.figures) {
      if (figure.met === true) met++
      if (figure.met === false) missed++
    }
  }
  return { met, missed, skipped }
}
