/**
 * Section 3, token issue (`POST /v3/auth/tokens`, with the catalog, as clients ask): the token
 * method (rescoping an admin token to its project) and the password method at the same bcrypt
 * cost (Keystone's default, 12) on both servers, in alternating rounds. Then a password flood on
 * Baton with validation requests running beside it: their p99 must stay low, i.e. bcrypt must
 * not starve the event loop.
 * @module
 */
import { setTimeout as sleep } from 'node:timers/promises'
import {
  type Contender,
  type Measured,
  measureAlternating,
  measureOnce,
  rpsSample,
} from '../lib/compare.ts'
import type { BenchContext, Target } from '../lib/context.ts'
import {
  issueRequest,
  issueToken,
  passwordAuthBody,
  tokenAuthBody,
  validateRequest,
} from '../lib/identity_api.ts'
import { type Figure, median, ratioFigure, valueFigure } from '../lib/results.ts'
import type { WrkResult } from '../lib/wrk.ts'

function rescope(target: Target): Contender {
  return {
    label: target.label,
    request: issueRequest(target.url, tokenAuthBody(target.authToken, target.adminProject)),
  }
}

function password(target: Target, connections: number, seconds: number): Contender {
  const body = passwordAuthBody(target.admin, target.adminProject)
  return {
    label: target.label,
    request: issueRequest(target.url, body),
    settings: { connections, seconds },
    // Both servers take password requests first come, first served (uwsgi's listen queue, the
    // libuv pool's queue), so one more answered means the backlog is gone.
    drain: () => issueToken(target.url, body, `a ${target.label} password token`),
    noWarmup: true,
  }
}

/** Validation (wrk -t1 -c4) alone, then again while `flood` saturates the server. */
async function validationUnderFlood(ctx: BenchContext, baton: Target, flood: Contender) {
  const validation: Contender = {
    label: 'Baton validation',
    request: validateRequest(baton.url, baton.authToken, baton.subjectToken),
    settings: { threads: 1, connections: 4 },
  }
  const seconds = ctx.options.wrk.seconds
  const alone: WrkResult[] = []
  const flooded: WrkResult[] = []
  const floodRates: number[] = []
  for (let round = 0; round < ctx.options.rounds; round++) {
    alone.push(await measureOnce(ctx, validation, seconds))
    // The flood starts first and outlasts the validation run by a second on both ends.
    const floodRun = measureOnce(ctx, flood, seconds + 2)
    floodRun.catch(() => {}) // awaited below; a failing validation run must not orphan it
    await sleep(1000)
    flooded.push(await measureOnce(ctx, validation, seconds))
    floodRates.push((await floodRun).rps)
    ctx.log(
      `  validation p99 ${alone.at(-1)?.latencyMs.p99} ms alone, ` +
        `${flooded.at(-1)?.latencyMs.p99} ms under a ${Math.round(floodRates.at(-1) ?? 0)}/s password flood`,
    )
  }
  const tenths = (ms: number) => Math.round(ms * 10) / 10
  return {
    aloneP99: tenths(median(alone.map((r) => r.latencyMs.p99))),
    floodedP99: tenths(median(flooded.map((r) => r.latencyMs.p99))),
    floodedRps: median(flooded.map((r) => r.rps)),
    floodRps: median(floodRates),
  }
}

function byLabel(measured: readonly Measured[], label: string): Measured {
  const found = measured.find((m) => m.label === label)
  if (found === undefined) throw new Error(`${label} was not measured`)
  return found
}

export async function tokenIssueSection(ctx: BenchContext): Promise<Figure[]> {
  ctx.requireWrk()
  const [baton, keystone] = await Promise.all([ctx.baton(), ctx.keystone()])
  const { bcryptCost, floodConnections, passwordSeconds } = ctx.options
  const figures: Figure[] = []

  const rescoped = await measureAlternating(ctx, [rescope(baton), rescope(keystone)])
  figures.push(
    ratioFigure({
      id: 'token_issue.rescope_vs_keystone',
      title: 'issue, token method (rescope) vs Keystone',
      subject: rpsSample(byLabel(rescoped, 'Baton')),
      baseline: rpsSample(byLabel(rescoped, 'Keystone')),
      target: { op: '>=', value: 30 },
    }),
  )

  const passwords = await measureAlternating(ctx, [
    password(baton, floodConnections, passwordSeconds),
    password(keystone, floodConnections, passwordSeconds),
  ])
  figures.push(
    ratioFigure({
      id: 'token_issue.password_vs_keystone',
      title: `issue, password method (bcrypt cost ${bcryptCost}) vs Keystone`,
      subject: rpsSample(byLabel(passwords, 'Baton')),
      baseline: rpsSample(byLabel(passwords, 'Keystone')),
      target: { op: '>=', value: 1 },
      note:
        `wrk -c${floodConnections} --timeout 10s; one bcrypt at cost ${bcryptCost} takes ` +
        '~250 ms of one core in both (native bcrypt), so this is mostly parallelism: Keystone ' +
        'has one uwsgi worker, Baton hashes on the libuv pool.',
    }),
  )

  const flood = await validationUnderFlood(
    ctx,
    baton,
    password(baton, floodConnections * 2, passwordSeconds + 2),
  )
  figures.push(
    valueFigure({
      id: 'token_issue.validation_p99_under_password_flood',
      title: 'validation p99 during a password flood',
      value: flood.floodedP99,
      unit: 'ms',
      target: { op: '<=', value: 50 },
      samples: [
        { label: 'p99 without flood', value: flood.aloneP99, unit: 'ms' },
        { label: 'validations', value: Math.round(flood.floodedRps), unit: 'req/s' },
        { label: 'flood', value: Math.round(flood.floodRps * 10) / 10, unit: 'password req/s' },
      ],
      note:
        `validation by wrk -t1 -c4 while wrk -c${floodConnections * 2} posts password auths at ` +
        `cost ${bcryptCost}; closed-loop, so p99 includes queueing behind the flood's own work.`,
    }),
  )
  return figures
}
