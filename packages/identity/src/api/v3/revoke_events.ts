/**
 * `GET /v3/OS-REVOKE/events[?since=]` (keystone/api/os_revoke.py): every revocation event, or
 * those revoked after `since`, oldest first; `links.self` never carries the query string.
 * @module
 */
import { firstArg } from '../../core/resources/query_filters.ts'
import { renderRevocationEvent } from '../../core/resources/revocation.ts'
import { ValidationError } from '../../errors.ts'
import { parseIsoTime } from '../../store/index.ts'
import type { ApiContext } from '../context.ts'
import { ok, type Router } from '../router.ts'
import { authorize, baseUrl, queryArgs } from './route_kit.ts'

export function registerRevokeEventRoutes(router: Router, ctx: ApiContext): void {
  router.route('GET', '/v3/OS-REVOKE/events', async (req) => {
    await authorize(ctx, req, 'identity:list_revoke_events')
    const since = firstArg(queryArgs(req), 'since')
    let after: number | undefined
    if (since) {
      after = parseIsoTime(since)
      if (after === undefined) throw new ValidationError(`invalidate date format ${since}`)
    }
    const events = await ctx.store.revocation.listSince(after)
    return ok({
      events: events.map(renderRevocationEvent),
      links: { next: null, self: baseUrl(ctx, req, '/OS-REVOKE/events'), previous: null },
    })
  })
}
