/**
 * Section 2, HTTP validation (`GET /v3/auth/tokens?nocatalog`, admin token validating another
 * admin token): `baton serve identity` against Keystone 22 under uwsgi, one worker each, both on
 * SQLite, Keystone's cache enabled (test/interop/keystone_process.ts), and against a bare
 * node:http server answering Baton's own response body (the ceiling), same wrk settings, in
 * alternating rounds.
 * @module
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { type Contender, measureAlternating, rpsSample } from '../lib/compare.ts'
import { type BenchContext, SectionSkipped, type Target } from '../lib/context.ts'
import { startHelperServer } from '../lib/helper_servers.ts'
import { validateOnce, validateRequest } from '../lib/identity_api.ts'
import { type Figure, ratioFigure, valueFigure } from '../lib/results.ts'

async function keystoneOrReason(ctx: BenchContext): Promise<Target | string> {
  try {
    return await ctx.keystone()
  } catch (error) {
    if (error instanceof SectionSkipped) return error.message
    throw error
  }
}

export async function httpValidationSection(
  ctx: BenchContext,
): Promise<{ figures: Figure[]; details: string[] }> {
  ctx.requireWrk()
  // Keystone's ~20 s of db_sync and bootstrap overlap Baton's start, never a measurement.
  const [baton, keystone] = await Promise.all([ctx.baton(), keystoneOrReason(ctx)])
  const batonRequest = validateRequest(baton.url, baton.authToken, baton.subjectToken)
  const bodyPath = join(ctx.scratch, 'validation-body.json')
  writeFileSync(bodyPath, await validateOnce(batonRequest, 'a Baton token'))
  const ceiling = await startHelperServer('fixed_body.mjs', [bodyPath])
  try {
    const contenders: Contender[] = [{ label: 'Baton', request: batonRequest }]
    if (typeof keystone !== 'string') {
      const request = validateRequest(keystone.url, keystone.authToken, keystone.subjectToken)
      await validateOnce(request, 'a Keystone token')
      contenders.push({ label: 'Keystone', request })
    }
    contenders.push({
      label: 'node:http fixed body',
      request: { ...batonRequest, url: `${ceiling.url}/v3/auth/tokens?nocatalog` },
    })
    const measured = await measureAlternating(ctx, contenders)
    const get = (label: string) => measured.find((m) => m.label === label)
    const b = get('Baton')
    const k = get('Keystone')
    const c = get('node:http fixed body')
    if (b === undefined || c === undefined) throw new Error('a contender was not measured')
    const figures: Figure[] = []
    if (k !== undefined) {
      figures.push(
        ratioFigure({
          id: 'http_validation.vs_keystone',
          title: 'GET /v3/auth/tokens vs Keystone (uwsgi, 1 worker each)',
          subject: rpsSample(b),
          baseline: rpsSample(k),
          target: { op: '>=', value: 50 },
          note:
            'Keystone 22 under uwsgi --processes 1 with [cache] enabled (dogpile memory), SQLite ' +
            'in WAL mode; uwsgi answers Connection: close, so wrk reconnects for every Keystone ' +
            'request while Baton keeps connections alive (as each server is deployed).',
        }),
      )
    }
    figures.push(
      ratioFigure({
        id: 'http_validation.vs_ceiling',
        title: 'GET /v3/auth/tokens vs bare node:http fixed body',
        subject: rpsSample(b),
        baseline: rpsSample(c),
        target: { op: '>=', value: 0.4 },
      }),
      valueFigure({
        id: 'http_validation.baton_p99',
        title: 'Baton validation p99 latency under full load',
        value: Math.round(b.p99Ms * 10) / 10,
        unit: 'ms',
        samples:
          k === undefined
            ? []
            : [{ label: 'Keystone p99', value: Math.round(k.p99Ms * 10) / 10, unit: 'ms' }],
        note: `wrk -c${ctx.options.wrk.connections}: closed-loop, so latency includes queueing`,
      }),
    )
    const details = typeof keystone === 'string' ? [`vs Keystone: skipped: ${keystone}`] : []
    return { figures, details }
  } finally {
    await ceiling.stop()
  }
}
