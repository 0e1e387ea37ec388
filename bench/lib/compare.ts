/**
 * Side-by-side load runs: every contender is warmed up, then measured in alternating rounds (the
 * order rotates each round, so a noisy neighbour or thermal drift hurts both sides alike), and
 * each side reports the median of its rounds. Only clean runs count (see wrk.ts assertClean).
 * @module
 */
import type { BenchContext } from './context.ts'
import { median, type Sample } from './results.ts'
import { assertClean, runWrk, type WrkRequest, type WrkResult, type WrkSettings } from './wrk.ts'

export type Contender = {
  readonly label: string
  readonly request: WrkRequest
  readonly settings?: Partial<WrkSettings>
  /**
   * Resolves once the server has finished what wrk left queued (wrk stops counting at its
   * deadline, not the server working): run after every load of this contender, so the backlog of
   * slow requests does not land in the next contender's measurement.
   */
  readonly drain?: () => Promise<unknown>
  /** Skip the warm-up (bcrypt-bound requests: there is nothing to JIT that matters). */
  readonly noWarmup?: boolean
}

export type Measured = {
  readonly label: string
  readonly rps: number
  readonly p99Ms: number
  readonly runs: readonly WrkResult[]
}

export function settingsFor(ctx: BenchContext, contender: Contender): WrkSettings {
  return { ...ctx.options.wrk, ...contender.settings }
}

export async function measureOnce(
  ctx: BenchContext,
  contender: Contender,
  seconds?: number,
  warmup = false,
): Promise<WrkResult> {
  const settings = settingsFor(ctx, contender)
  const result = await runWrk(
    contender.request,
    seconds === undefined ? settings : { ...settings, seconds },
    ctx.scratch,
  )
  await contender.drain?.()
  // A warm-up may be too short for a single slow answer; errors still count.
  return warmup && result.requests === 0 ? result : assertClean(result, contender.label)
}

/** Warms every contender up, then runs `ctx.options.rounds` alternating rounds. */
export async function measureAlternating(
  ctx: BenchContext,
  contenders: readonly Contender[],
): Promise<Measured[]> {
  for (const c of contenders) {
    if (c.noWarmup !== true) await measureOnce(ctx, c, ctx.options.warmupSeconds, true)
  }
  const runs = contenders.map((): WrkResult[] => [])
  for (let round = 0; round < ctx.options.rounds; round++) {
    for (let k = 0; k < contenders.length; k++) {
      const i = (k + round) % contenders.length
      const contender = contenders[i]
      if (contender === undefined) continue
      const result = await measureOnce(ctx, contender)
      runs[i]?.push(result)
      ctx.log(
        `  ${contender.label}: ${Math.round(result.rps)} req/s, p99 ${result.latencyMs.p99} ms`,
      )
    }
  }
  return contenders.map((c, i) => {
    const mine = runs[i] ?? []
    return {
      label: c.label,
      rps: median(mine.map((r) => r.rps)),
      p99Ms: median(mine.map((r) => r.latencyMs.p99)),
      runs: mine,
    }
  })
}

export function rpsSample(measured: Measured): Sample {
  return { label: measured.label, value: Math.round(measured.rps), unit: 'req/s' }
}
