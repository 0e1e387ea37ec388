/**
 * Section 4, middleware overhead: `baton serve echo` (the auth middleware, in-memory token cache,
 * guarding an echo of the identity headers; test/interop/echo_process.ts) against the same echo
 * unguarded (bench/servers/plain_echo.ts), with a user token the middleware has already
 * validated and cached, in alternating rounds.
 * @module
 */
import { startBatonEcho } from '../../test/interop/echo_process.ts'
import { measureAlternating, rpsSample } from '../lib/compare.ts'
import type { BenchContext } from '../lib/context.ts'
import { startHelperServer } from '../lib/helper_servers.ts'
import { send } from '../lib/identity_api.ts'
import { type Figure, ratioFigure } from '../lib/results.ts'
import type { WrkRequest } from '../lib/wrk.ts'

export async function middlewareSection(ctx: BenchContext): Promise<Figure[]> {
  ctx.requireWrk()
  const baton = await ctx.baton()
  const guarded = await startBatonEcho([
    '[keystone_authtoken]',
    `www_authenticate_uri = ${baton.url}`,
    `auth_url = ${baton.url}/v3`,
    'auth_type = password',
    `username = ${baton.admin.user}`,
    `password = ${baton.admin.password}`,
    'user_domain_id = default',
    `project_name = ${baton.adminProject.name}`,
    'project_domain_id = default',
    'delay_auth_decision = false',
    'interface = public',
    'token_cache_time = 300',
  ])
  const plain = await startHelperServer('plain_echo.ts')
  try {
    const request = (url: string): WrkRequest => ({
      method: 'GET',
      url: `${url}/servers`,
      headers: { 'X-Auth-Token': baton.subjectToken },
    })
    // The first request validates the token against identity and caches it; check it worked.
    const first = await send(request(guarded.url))
    if (first.status !== 200 || !first.text.includes('x-user-id')) {
      throw new Error(`the guarded echo answered ${first.status} without the identity headers`)
    }
    const [g, p] = await measureAlternating(ctx, [
      { label: 'guarded', request: request(guarded.url) },
      { label: 'unguarded', request: request(plain.url) },
    ])
    if (g === undefined || p === undefined) throw new Error('a contender was not measured')
    return [
      ratioFigure({
        id: 'middleware.guarded_vs_unguarded',
        title: 'echo service guarded (cached token) vs unguarded',
        subject: rpsSample(g),
        baseline: rpsSample(p),
        target: { op: '>=', value: 0.8 },
        note: 'in-memory token cache (no memcached); both are one node:http process',
      }),
    ]
  } finally {
    await guarded.stop()
    await plain.stop()
  }
}
