/**
 * The bench's one options module: command-line flags and the durations and sizes they imply. The
 * full run is sized to finish well under 10 minutes on two cores (about 6.5); `--quick` is a smoke
 * run (about 1.5 min, most of it Keystone's bootstrap and server start-ups) that exercises every
 * code path with 1 s loads and a tenth of the scale data.
 * @module
 */
import { join } from 'node:path'
import { SECTION_IDS, type SectionId } from './results.ts'
import type { WrkSettings } from './wrk.ts'

export type BenchOptions = {
  readonly quick: boolean
  /** Sections to run, in the order. */
  readonly sections: readonly SectionId[]
  /** apt-get install missing Debian packages (wrk, python3-keystone, uwsgi) when root. */
  readonly install: boolean
  /** Also profile the identity server (node --cpu-prof) under validation load. */
  readonly profile: boolean
  readonly out: string
  /** Alternating rounds per comparison; the median of each side is reported. */
  readonly rounds: number
  readonly wrk: WrkSettings
  readonly warmupSeconds: number
  /** Seconds each in-process formatter loop runs. */
  readonly formatterSeconds: number
  /** Tokens cycled through by the in-process loops. */
  readonly formatterTokens: number
  /** bcrypt cost for the password comparison: Keystone's default (passlib's 12). */
  readonly bcryptCost: number
  /** Concurrent password requests (twice as many in the flood). */
  readonly floodConnections: number
  /** Seconds per password run: bcrypt answers take seconds under load. */
  readonly passwordSeconds: number
  readonly scale: {
    readonly users: number
    readonly projects: number
    readonly assignments: number
  }
  /** Requests per cold run (each with a never-seen token, user and project). */
  readonly coldRequests: number
}

export const USAGE = `usage: npm run bench -- [--quick] [--only a,b] [--profile] [--no-install] [--out FILE]
  --quick        smoke run, ~1.5 min (1 s loads, a tenth of the scale data)
  --only LIST    sections to run: ${SECTION_IDS.join(',')}
  --profile      also profile the identity server under validation load (node --cpu-prof)
  --no-install   do not apt-get install missing wrk / python3-keystone / uwsgi
  --out FILE     result file (default bench/results/latest.json)`

export class UsageError extends Error {
  override name = 'UsageError'
}

const ROOT = new URL('../..', import.meta.url).pathname

function parseSections(list: string): SectionId[] {
  const wanted = list.split(',').map((s) => s.trim())
  for (const name of wanted) {
    if (!(SECTION_IDS as readonly string[]).includes(name)) {
      throw new UsageError(`unknown section ${name}; sections: ${SECTION_IDS.join(', ')}`)
    }
  }
  return SECTION_IDS.filter((id) => wanted.includes(id))
}

export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  let quick = false
  let install = true
  let profile = false
  let sections: SectionId[] = [...SECTION_IDS]
  let out = join(ROOT, 'bench/results/latest.json')
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const value = () => {
      const next = argv[++i]
      if (next === undefined) throw new UsageError(`${arg} needs a value`)
      return next
    }
    if (arg === '--quick') quick = true
    else if (arg === '--no-install') install = false
    else if (arg === '--profile') profile = true
    else if (arg === '--only') sections = parseSections(value())
    else if (arg === '--out') out = value()
    else throw new UsageError(`unknown argument ${String(arg)}`)
  }
  const seconds = quick ? 1 : 5
  return {
    quick,
    sections,
    install,
    profile,
    out,
    rounds: quick ? 1 : 2,
    wrk: { threads: 2, connections: 32, seconds, timeoutSeconds: 10 },
    warmupSeconds: quick ? 1 : 2,
    formatterSeconds: quick ? 0.5 : 2,
    formatterTokens: 1000,
    bcryptCost: 12,
    floodConnections: 8,
    passwordSeconds: Math.max(seconds, 3),
    scale: quick
      ? { users: 10_000, projects: 1_000, assignments: 20_000 }
      : { users: 100_000, projects: 10_000, assignments: 200_000 },
    coldRequests: quick ? 300 : 1000,
  }
}

/** The settings recorded in the result file and printed above the table. */
export function describeSettings(o: BenchOptions): Record<string, string | number | boolean> {
  return {
    wrk: `-t${o.wrk.threads} -c${o.wrk.connections} -d${o.wrk.seconds}s`,
    rounds: o.rounds,
    warmup_s: o.warmupSeconds,
    formatter_s: o.formatterSeconds,
    bcrypt_cost: o.bcryptCost,
    flood_connections: o.floodConnections,
    scale: `${o.scale.users} users, ${o.scale.projects} projects, ${o.scale.assignments} assignments`,
    cold_requests: o.coldRequests,
  }
}
