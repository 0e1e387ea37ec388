/**
 * Section 6, revocation reach: how long a revoked token keeps working at a guarded service whose
 * cache holds its validation. Two `baton serve echo` processes guard the same echo, caching on:
 * one with `revocation_push` (Baton's default; token_cache_time 300 s), one without it
 * (keystonemiddleware's behaviour, OSSN-0056), with token_cache_time shortened to NO_PUSH_CACHE_S so
 * the bench ends: without push the figure is that cache time, whatever it is set to (300 s by
 * default). Each trial: a fresh token (rescoped from the admin's, no password hash), one request
 * that caches it, then the clock starts, `DELETE /v3/auth/tokens`, and requests every 5 ms until
 * the first 401. Push trials run one after another; no-push trials run 20 at a time (each waits out
 * its cache entry).
 * @module
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { startBatonEcho } from '../../test/interop/echo_process.ts'
import type { BenchContext } from '../lib/context.ts'
import { issueToken, tokenAuthBody } from '../lib/identity_api.ts'
import { type Figure, valueFigure } from '../lib/results.ts'

const TRIALS = 100
const QUICK_TRIALS = 20
const NO_PUSH_CACHE_S = 2
const NO_PUSH_BATCH = 20
const POLL_MS = 5
const GIVE_UP_MS = 30_000

async function statusOf(
  method: 'GET' | 'DELETE',
  url: string,
  headers: Record<string, string>,
): Promise<number> {
  const res = await fetch(url, { method, headers, signal: AbortSignal.timeout(30_000) })
  await res.arrayBuffer()
  return res.status
}

/** Nearest-rank percentile of `values` (p in 0..100). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length))
  return sorted[Math.min(rank, sorted.length) - 1] ?? Number.NaN
}

export async function revocationSection(ctx: BenchContext): Promise<Figure[]> {
  const baton = await ctx.baton()
  const echoConfig = (extra: readonly string[]) => [
    '[keystone_authtoken]',
    `www_authenticate_uri = ${baton.url}`,
    `auth_url = ${baton.url}/v3`,
    'auth_type = password',
    `username = ${baton.admin.user}`,
    `password = ${baton.admin.password}`,
    'user_domain_id = default',
    `project_name = ${baton.adminProject.name}`,
    'project_domain_id = default',
    'interface = public',
    ...extra,
  ]
  const pushed = await startBatonEcho(echoConfig(['token_cache_time = 300']))
  const plain = await startBatonEcho(
    echoConfig([`token_cache_time = ${NO_PUSH_CACHE_S}`, 'revocation_push = false']),
  )
  const trials = ctx.options.quick ? QUICK_TRIALS : TRIALS
  try {
    const fresh = () =>
      issueToken(baton.url, tokenAuthBody(baton.authToken, baton.adminProject), 'a trial token')
    const trial = async (echoUrl: string): Promise<number> => {
      const token = await fresh()
      const guarded = () => statusOf('GET', `${echoUrl}/servers`, { 'X-Auth-Token': token })
      const first = await guarded()
      if (first !== 200) throw new Error(`the guarded echo answered ${first}`)
      const started = performance.now()
      const revoked = await statusOf('DELETE', `${baton.url}/v3/auth/tokens`, {
        'X-Auth-Token': baton.authToken,
        'X-Subject-Token': token,
      })
      if (revoked !== 204) throw new Error(`revoking answered ${revoked}`)
      for (;;) {
        const status = await guarded()
        const elapsed = performance.now() - started
        if (status === 401) return elapsed
        if (status !== 200) throw new Error(`the guarded echo answered ${status}`)
        if (elapsed > GIVE_UP_MS) throw new Error('a revoked token was still accepted after 30 s')
        await sleep(POLL_MS)
      }
    }
    // warm both (their own login, the subscription) before timing anything
    await trial(pushed.url)
    await trial(plain.url)
    const push: number[] = []
    for (let i = 0; i < trials; i++) push.push(await trial(pushed.url))
    const noPush: number[] = []
    for (let done = 0; done < trials; done += NO_PUSH_BATCH) {
      const batch = Math.min(NO_PUSH_BATCH, trials - done)
      noPush.push(...(await Promise.all(Array.from({ length: batch }, () => trial(plain.url)))))
    }
    const figure = (id: string, title: string, values: number[], p: number, push: boolean) =>
      valueFigure({
        id,
        title,
        value: percentile(values, p),
        unit: 'ms',
        target: push && p === 99 ? { op: '<=', value: 1000 } : null,
        samples: [
          { label: 'min', value: Math.min(...values), unit: 'ms' },
          { label: 'max', value: Math.max(...values), unit: 'ms' },
          { label: 'trials', value: values.length, unit: '' },
        ],
        note: push
          ? 'revocation_push on, token_cache_time 300 s, identity [revoke] event_poll_interval 0.1 s'
          : `revocation_push off (keystonemiddleware): token_cache_time ${NO_PUSH_CACHE_S} s here; ` +
            'bounded by token_cache_time (300 s by default)',
      })
    return [
      figure('revocation.push_p50', 'DELETE to first 401, push, p50', push, 50, true),
      figure('revocation.push_p99', 'DELETE to first 401, push, p99', push, 99, true),
      figure('revocation.no_push_p50', 'DELETE to first 401, no push, p50', noPush, 50, false),
      figure('revocation.no_push_p99', 'DELETE to first 401, no push, p99', noPush, 99, false),
    ]
  } finally {
    await pushed.stop()
    await plain.stop()
  }
}
