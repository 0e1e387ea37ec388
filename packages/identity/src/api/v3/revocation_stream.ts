/**
 * `GET /v3/OS-BATON/revocation-events` (Baton extension): revocation events as they are recorded,
 * for the middleware to drop cached validations of revoked tokens (OSSN-0056) instead of trusting
 * them for token_cache_time. A long-poll: it answers at once when events follow the reader's
 * position, else waits up to `wait` seconds (at most 30) for one. The position is `cursor` (from
 * the previous answer: a reconnect misses nothing) or, on a first subscription, `since` (ISO time:
 * the events revoked since then, so a new subscriber learns what its shared cache may still hold).
 * Events are rendered as `GET /v3/OS-REVOKE/events` renders them, and guarded by the same policy,
 * `identity:list_revoke_events` (rule:service_or_admin): the middleware's own service user may read.
 * @module
 */
import { firstArg } from '../../core/resources/query_filters.ts'
import { renderRevocationEvent } from '../../core/resources/revocation.ts'
import {
  type EventCursor,
  formatCursor,
  parseCursor,
} from '../../core/revocation_feed/event_cursor.ts'
import type { FeedPosition, RevocationFeed } from '../../core/revocation_feed/revocation_feed.ts'
import { ValidationError } from '../../errors.ts'
import { parseIsoTime } from '../../store/index.ts'
import type { ApiContext } from '../context.ts'
import { ok, type Router } from '../router.ts'
import { authorize, queryArgs } from './route_kit.ts'

export const REVOCATION_STREAM_PATH = '/v3/OS-BATON/revocation-events'
/** The longest a reader is kept waiting; proxies commonly cut idle requests at 60 s. */
export const MAX_WAIT_SECONDS = 30

export type RevocationStreamContext = ApiContext & { readonly revocationFeed: RevocationFeed }

export function registerRevocationStreamRoutes(router: Router, ctx: RevocationStreamContext): void {
  router.route('GET', REVOCATION_STREAM_PATH, async (req) => {
    await authorize(ctx, req, 'identity:list_revoke_events')
    const args = queryArgs(req)
    const position = positionOf(firstArg(args, 'cursor'), firstArg(args, 'since'))
    const waitMs = waitOf(firstArg(args, 'wait')) * 1000
    const feed = ctx.revocationFeed
    const deadline = Date.now() + waitMs
    const socket = req.raw.socket
    let gone = false
    let wakeOnGone: () => void = () => {}
    const goneSignal = new Promise<void>((resolve) => {
      wakeOnGone = resolve
    })
    const onGone = (): void => {
      gone = true
      wakeOnGone()
    }
    socket.once('close', onGone)
    try {
      let current = position
      for (;;) {
        const change = feed.nextChange()
        const page = await feed.read(current)
        const left = deadline - Date.now()
        if (page.events.length > 0 || left <= 0 || feed.closed || gone) {
          change.cancel()
          return ok(render(page.events, page.cursor))
        }
        current = { cursor: page.cursor }
        let timer: NodeJS.Timeout | undefined
        const timedOut = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, left)
        })
        await Promise.race([change.changed, timedOut, goneSignal])
        clearTimeout(timer)
        change.cancel()
      }
    } finally {
      socket.removeListener('close', onGone)
    }
  })
}

function render(events: Parameters<typeof renderRevocationEvent>[0][], cursor: EventCursor) {
  return { events: events.map(renderRevocationEvent), cursor: formatCursor(cursor) }
}

function positionOf(cursor: string | undefined, since: string | undefined): FeedPosition {
  if (cursor !== undefined && cursor !== '') {
    const parsed = parseCursor(cursor)
    if (parsed === undefined) throw new ValidationError(`invalid cursor ${cursor}`)
    return { cursor: parsed }
  }
  if (since !== undefined && since !== '') {
    const micros = parseIsoTime(since)
    if (micros === undefined) throw new ValidationError(`invalidate date format ${since}`)
    return { sinceMicros: micros }
  }
  return { sinceMicros: undefined }
}

function waitOf(wait: string | undefined): number {
  if (wait === undefined || wait === '') return 0
  if (!/^\d{1,6}$/.test(wait)) {
    throw new ValidationError(`wait must be a whole number of seconds, not ${wait}`)
  }
  return Math.min(Number(wait), MAX_WAIT_SECONDS)
}
