/**
 * Section 5, scale: two identity servers side by side, one on an almost empty database (bootstrap,
 * a probe user and a pool of a few thousand users with one project each) and one that also holds
 * the bulk data (100k users, 10k projects, 200k role assignments), on SQLite, then PostgreSQL.
 * Measured on both in alternating rounds: hot (the probe's token validated and rescoped over and
 * over, as a busy service does) and cold (every request a never-seen token of a pool user, so it
 * misses the server's caches and shows what the data size costs). Peak RSS and seeding time too.
 * Set-up work (seeding, starting PostgreSQL) overlaps other set-up, never a measurement.
 * @module
 */
import { join } from 'node:path'
import {
  BATON_ADMIN_PASSWORD,
  type BatonIdentity,
  startBatonIdentity,
} from '../lib/baton_identity.ts'
import { type ColdContender, measureColdAlternating, mintPoolTokens } from '../lib/cold_run.ts'
import { type Contender, type Measured, measureAlternating, rpsSample } from '../lib/compare.ts'
import type { BenchContext } from '../lib/context.ts'
import {
  issueRequest,
  issueToken,
  passwordAuthBody,
  tokenAuthBody,
  validateOnce,
  validateRequest,
} from '../lib/identity_api.ts'
import { type PgCluster, startPgCluster } from '../lib/postgres.ts'
import { type Figure, ratioFigure, valueFigure } from '../lib/results.ts'
import { type PoolMember, PROBE, seedBulk, seedProbes } from '../lib/seed.ts'

type Backend = 'sqlite' | 'postgres'
type Server = { readonly identity: BatonIdentity; readonly pool: readonly PoolMember[] }
type Pair = { readonly empty: Server; readonly big: Server; readonly seedSeconds: number }
type Requests = {
  readonly validate: Contender
  readonly rescope: Contender
  readonly coldValidate: ColdContender
  readonly coldRescope: ColdContender
}

const COLD_CONCURRENCY = 8

async function requestsFor(server: Server, label: string): Promise<Requests> {
  const { url } = server.identity
  const admin = { user: 'admin', domainId: 'default', password: BATON_ADMIN_PASSWORD }
  const adminScope = { name: 'admin', domainId: 'default' }
  const adminToken = await issueToken(url, passwordAuthBody(admin, adminScope), 'admin')
  const probeBody = passwordAuthBody(PROBE.creds, PROBE.project)
  const probeToken = await issueToken(url, probeBody, 'the probe user')
  const validate = validateRequest(url, adminToken, probeToken)
  const body = await validateOnce(validate, 'the probe token')
  if (!body.includes(PROBE.project.name)) throw new Error('the probe token lost its project')
  // The pool's first half is validated, the second half rescoped: no user is seen twice.
  const tokens = mintPoolTokens(server.identity.keyRepository, server.pool)
  const half = Math.floor(tokens.length / 2)
  const scopeOf = (i: number) => ({ name: server.pool[i]?.projectName ?? '', domainId: 'default' })
  return {
    validate: { label, request: validate },
    rescope: { label, request: issueRequest(url, tokenAuthBody(probeToken, PROBE.project)) },
    coldValidate: {
      label,
      requests: tokens.slice(0, half).map((t) => validateRequest(url, adminToken, t)),
    },
    coldRescope: {
      label,
      requests: tokens
        .slice(half)
        .map((t, i) => issueRequest(url, tokenAuthBody(t, scopeOf(half + i)))),
    },
  }
}

/** Both servers, set up concurrently; neither is left running if the other fails. */
async function setUp(
  ctx: BenchContext,
  backend: Backend,
  connectionFor: (name: string) => Promise<string>,
): Promise<Pair> {
  const { scale, coldRequests, rounds } = ctx.options
  const poolSize = 2 * rounds * coldRequests
  const emptyDb = await connectionFor('bench_empty')
  const bigDb = await connectionFor('bench_big')
  ctx.log(
    `  ${backend}: seeding ${scale.users} users, ${scale.projects} projects, ` +
      `${scale.assignments} assignments (+ ${poolSize} pool users in both)`,
  )
  let seedSeconds = 0
  const pools: PoolMember[][] = [[], []]
  const started = await Promise.allSettled([
    startBatonIdentity({
      scratchDir: ctx.scratch,
      connection: emptyDb,
      prepare: async () => {
        pools[0] = await seedProbes(emptyDb, poolSize)
      },
    }),
    startBatonIdentity({
      scratchDir: ctx.scratch,
      connection: bigDb,
      prepare: async () => {
        pools[1] = await seedProbes(bigDb, poolSize)
        seedSeconds = await seedBulk(bigDb, scale)
      },
    }),
  ])
  const [empty, big] = started
  if (empty?.status === 'fulfilled' && big?.status === 'fulfilled') {
    ctx.log(`  ${backend}: seeded in ${seedSeconds.toFixed(1)} s`)
    return {
      empty: { identity: empty.value, pool: pools[0] ?? [] },
      big: { identity: big.value, pool: pools[1] ?? [] },
      seedSeconds,
    }
  }
  for (const s of started) if (s.status === 'fulfilled') await s.value.stop()
  const failed = started.find((s) => s.status === 'rejected')
  throw failed?.status === 'rejected' ? failed.reason : new Error('set-up failed')
}

function flat(id: string, title: string, big: Measured | undefined, empty: Measured | undefined) {
  if (big === undefined || empty === undefined) throw new Error(`${id} was not measured`)
  return ratioFigure({
    id,
    title,
    subject: rpsSample(big),
    baseline: rpsSample(empty),
    target: { op: '>=', value: 0.8 },
  })
}

async function measure(ctx: BenchContext, backend: Backend, pair: Pair): Promise<Figure[]> {
  const bigLabel = `${ctx.options.scale.users / 1000}k users`
  const e = await requestsFor(pair.empty, 'empty')
  const b = await requestsFor(pair.big, bigLabel)
  const [bv, ev] = await measureAlternating(ctx, [b.validate, e.validate])
  const [bi, ei] = await measureAlternating(ctx, [b.rescope, e.rescope])
  const { rounds, wrk } = ctx.options
  const settings = { rounds, concurrency: COLD_CONCURRENCY, maxSeconds: wrk.seconds }
  const cold = (cs: ColdContender[]) => measureColdAlternating(cs, settings, ctx.log)
  const [bcv, ecv] = await cold([b.coldValidate, e.coldValidate])
  const [bci, eci] = await cold([b.coldRescope, e.coldRescope])
  const figures = [
    flat(`scale.${backend}.validation`, `${backend}: validation, hot`, bv, ev),
    flat(`scale.${backend}.validation_cold`, `${backend}: validation, cold`, bcv, ecv),
    flat(`scale.${backend}.issue`, `${backend}: issue (rescope), hot`, bi, ei),
    flat(`scale.${backend}.issue_cold`, `${backend}: issue (rescope), cold`, bci, eci),
    valueFigure({
      id: `scale.${backend}.seed_seconds`,
      title: `${backend}: seeding time (bulk insert through the store)`,
      value: Math.round(pair.seedSeconds * 10) / 10,
      unit: 's',
      target: { op: '<=', value: 60 },
    }),
  ]
  const rssBig = pair.big.identity.peakRssMiB()
  const rssEmpty = pair.empty.identity.peakRssMiB()
  if (rssBig !== null && rssEmpty !== null) {
    figures.push(
      valueFigure({
        id: `scale.${backend}.peak_rss`,
        title: `${backend}: identity peak RSS with the big database`,
        value: Math.round(rssBig),
        unit: 'MiB',
        samples: [{ label: 'empty database', value: Math.round(rssEmpty), unit: 'MiB' }],
      }),
    )
  }
  return figures
}

async function stopPair(pair: Pair): Promise<void> {
  await Promise.all([pair.empty.identity.stop(), pair.big.identity.stop()])
}

export async function scaleSection(
  ctx: BenchContext,
): Promise<{ figures: Figure[]; details: string[] }> {
  ctx.requireWrk()
  const figures: Figure[] = []
  const details = [
    'big vs almost empty database, same requests; hot: one token over and over (wrk); cold: ' +
      `each request a new token of a new user (fetch, ${COLD_CONCURRENCY} in flight, up to ` +
      `${ctx.options.coldRequests} requests or ${ctx.options.wrk.seconds} s per run)`,
  ]
  // initdb and seeding overlap; both finish before the first measurement.
  const pgStarting: Promise<PgCluster | string> = startPgCluster().catch((error: unknown) =>
    error instanceof Error ? error.message : String(error),
  )
  let cluster: PgCluster | string | undefined
  try {
    const sqliteFile = async (name: string) => `sqlite:///${join(ctx.scratch, `${name}.db`)}`
    const sqlite = await setUp(ctx, 'sqlite', sqliteFile)
    cluster = await pgStarting
    try {
      figures.push(...(await measure(ctx, 'sqlite', sqlite)))
    } finally {
      await stopPair(sqlite)
    }
    if (typeof cluster === 'string') {
      details.push(`postgres: skipped: ${cluster}`)
    } else {
      const pg = cluster
      const pair = await setUp(ctx, 'postgres', (name) => pg.createDatabase(name))
      try {
        figures.push(...(await measure(ctx, 'postgres', pair)))
      } finally {
        await stopPair(pair)
      }
    }
  } finally {
    const pg = cluster ?? (await pgStarting)
    if (typeof pg !== 'string') await pg.stop()
  }
  return { figures, details }
}
