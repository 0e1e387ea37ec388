/**
 * The Windows report's figures and verdicts (expiry_windows.ts) on trail entries made here: the
 * nearest-rank percentiles, the buckets, a suggested window with headroom, and the verdict's cases
 * (nothing let in, lateness unknown on an older trail, later than the window, delegation disabled).
 * @module
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type {
  AuditTrailLine,
  TrailEntry,
} from '../../../packages/identity/src/operations/audit_trail.ts'
import {
  expiryWindows,
  spoken,
  suggestedWindow,
} from '../../../packages/identity/src/operations/expiry_windows.ts'

const T0 = Date.parse('2030-01-01T00:00:00.000Z')
let seq = 0

/** A received line at `service`, `lateSeconds` after its user token expired (undefined: not expired). */
function received(
  service: string,
  lateSeconds: number | undefined,
  extra: { readonly [K in keyof AuditTrailLine]?: AuditTrailLine[K] | undefined } = {},
): TrailEntry {
  const at = T0 + 3600_000
  const fields = {
    time: new Date(at).toISOString(),
    service,
    direction: 'received',
    request_id: `r${++seq}`,
    method: 'GET',
    path: '/',
    status: 200,
    outcome: 'ok',
    user_id: 'u',
    expired_user_token_accepted: lateSeconds !== undefined,
    user_token_expires_at: new Date(at - (lateSeconds ?? -60) * 1000).toISOString(),
    ...extra,
  }
  // a field set to undefined is a field the line does not have (as JSON.stringify writes it)
  const line = Object.fromEntries(
    Object.entries(fields).filter(([, value]) => value !== undefined),
  ) as AuditTrailLine
  return { seq, at, line }
}

const settings = { expiration: 3600, allowExpiredWindow: 172800, delegationMaxLifetime: 86400 }

test('percentiles, buckets and the suggested window of one receiver', () => {
  const lates = [5, 20, 30, 40, 50, 70, 80, 90, 100, 400]
  const report = expiryWindows(
    [...lates.map((s) => received('volume', s)), received('volume', undefined)],
    settings,
  )
  const volume = report.receivers[0]
  assert.ok(volume)
  assert.equal(volume.received, 11)
  assert.equal(volume.expired_let_in, 10)
  assert.equal(volume.p50_seconds, 50)
  assert.equal(volume.p95_seconds, 400)
  assert.equal(volume.max_seconds, 400)
  assert.deepEqual(
    volume.buckets.map((b) => b.count),
    [1, 4, 4, 1, 0, 0, 0, 0, 0],
  )
  assert.equal(volume.suggested_window_seconds, 600)
  assert.equal(
    volume.verdict,
    'Max lateness 6 min 40 s of a 2 d window: the window could shrink to 10 min (max lateness + 50 %, rounded up); or 0 with [service_user] delegate on the senders (a delegation token lives as long as the job, up to [delegation] max_lifetime = 24 h).',
  )
})

test('the verdict when nothing, or more than the window, was let in; delegation disabled', () => {
  const off = { ...settings, allowExpiredWindow: 300, delegationMaxLifetime: null }
  const report = expiryWindows(
    [
      received('compute', undefined, { delegation_id: 'd' }),
      received('image', 900),
      // sent lines and lines without a user are not receptions with a user token
      received('image', undefined, { direction: 'sent' }),
      received('object', undefined, { user_id: undefined }),
    ],
    off,
  )
  assert.deepEqual(
    report.receivers.map((r) => r.service),
    ['compute', 'image'],
  )
  assert.match(
    report.receivers[0]?.verdict ?? '',
    /^No expired token was let in here \(1 request with a user token in the trail, 1 with delegation tokens\): nothing here needs the 5 min window; it could be 0 once identity issues delegations/,
  )
  assert.match(
    report.receivers[1]?.verdict ?? '',
    /^Max lateness 15 min is beyond identity's 5 min window/,
  )
  assert.equal(report.delegation_enabled, false)
})

test('an older trail without user_token_expires_at: let in, lateness unknown', () => {
  const report = expiryWindows(
    [received('image', 30, { user_token_expires_at: undefined })],
    settings,
  )
  const image = report.receivers[0]
  assert.equal(image?.expired_let_in, 1)
  assert.equal(image?.lateness_unknown, 1)
  assert.equal(image?.max_seconds, null)
  assert.match(image?.verdict ?? '', /lateness unknown/)
  assert.match(report.verdict, /how late is unknown/)
})

test('an empty trail, round windows and spoken durations', () => {
  assert.match(expiryWindows([], settings).verdict, /^The trail holds no request/)
  assert.equal(suggestedWindow(0.5), 60)
  assert.equal(suggestedWindow(100), 300)
  assert.equal(suggestedWindow(200000), 604800)
  assert.equal(suggestedWindow(500000), 9 * 86400)
  assert.deepEqual([45, 97, 120, 900, 7200, 172800].map(spoken), [
    '45 s',
    '1 min 37 s',
    '2 min',
    '15 min',
    '2 h',
    '2 d',
  ])
})
