/**
 * `--profile`: a separate identity server under `node --cpu-prof`, loaded with the validation
 * requests of section 2, then stopped cleanly so V8 writes the profile; the samples taken while
 * the load ran are summarised by area and by function (bench/lib/cpu_profile.ts). The raw
 * `.cpuprofile` is kept in the system temp dir for Chrome DevTools or speedscope.
 * @module
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BATON_ADMIN_PASSWORD, startBatonIdentity } from '../lib/baton_identity.ts'
import { measureOnce } from '../lib/compare.ts'
import type { BenchContext } from '../lib/context.ts'
import { formatSummary, isCpuProfile, summarizeProfile } from '../lib/cpu_profile.ts'
import { issueToken, passwordAuthBody, validateOnce, validateRequest } from '../lib/identity_api.ts'
import { type Figure, valueFigure } from '../lib/results.ts'

export async function profileSection(
  ctx: BenchContext,
): Promise<{ figures: Figure[]; details: string[] }> {
  ctx.requireWrk()
  const profileDir = join(ctx.scratch, 'cpu-profile')
  mkdirSync(profileDir)
  const server = await startBatonIdentity({
    scratchDir: ctx.scratch,
    nodeArgs: ['--cpu-prof', '--cpu-prof-dir', profileDir],
  })
  let window: { loadUs: number; tailUs: number }
  let rps: number
  try {
    const admin = { user: 'admin', domainId: 'default', password: BATON_ADMIN_PASSWORD }
    const body = passwordAuthBody(admin, { name: 'admin', domainId: 'default' })
    const request = validateRequest(
      server.url,
      await issueToken(server.url, body, 'admin'),
      await issueToken(server.url, body, 'admin'),
    )
    await validateOnce(request, 'an admin token')
    const seconds = ctx.options.wrk.seconds * 2
    const started = performance.now()
    rps = (await measureOnce(ctx, { label: 'profiled Baton', request }, seconds)).rps
    const ended = performance.now()
    await server.stop()
    const exited = performance.now()
    // The profile ends at exit: the load window is measured back from there.
    window = { loadUs: (exited - started) * 1000, tailUs: (exited - ended) * 1000 }
  } finally {
    await server.stop()
  }
  const file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'))
  if (file === undefined) throw new Error('node --cpu-prof wrote no profile (unclean exit?)')
  const profile: unknown = JSON.parse(readFileSync(join(profileDir, file), 'utf8'))
  if (!isCpuProfile(profile)) throw new Error(`${file} is not a V8 CPU profile`)
  const summary = summarizeProfile(profile, {
    from: profile.endTime - window.loadUs,
    to: profile.endTime - window.tailUs,
  })
  // Outside the repository: a profile is megabytes of JSON nobody should commit.
  const kept = join(tmpdir(), `baton-bench-validation-${process.pid}.cpuprofile`)
  copyFileSync(join(profileDir, file), kept)
  return {
    figures: [
      valueFigure({
        id: 'profile.sampled',
        title: 'CPU sampled in the identity process during the load',
        value: summary.sampledMs,
        unit: 'ms',
        samples: [{ label: 'rate under the profiler', value: Math.round(rps), unit: 'req/s' }],
      }),
    ],
    details: [...formatSummary(summary), `raw profile: ${kept}`],
  }
}
