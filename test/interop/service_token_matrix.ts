/**
 * The service-token outcome matrix, reusable for every pairing of a receiving middleware with an
 * identity server (Baton or Python keystonemiddleware; Baton identity or the real Keystone).
 * Tokens live MATRIX_TOKEN_EXPIRATION seconds, so the driver runs by the clock: every user token
 * is issued at t0; the fresh cases run before they expire; the expired cases run once all have
 * expired but are still inside allow_expired_window (with service tokens issued then); the last
 * case runs past the window. Each case presents tokens never presented before, so no middleware
 * cache can decide an outcome.
 * @module
 */
import { randomBytes } from 'node:crypto'
import type { TestContext } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { adminSession, type IssuedToken, issuePasswordToken } from './support/keystone_api.ts'
import {
  assertAnswer,
  assertTiming,
  type CaseEnv,
  type CaseOutcome,
  type CaseSpec,
  presentCase,
} from './support/matrix_case.ts'
import { type MatrixWorld, worldFor, wwwAuthenticateUri } from './support/matrix_world.ts'

export type { CaseOutcome } from './support/matrix_case.ts'
export { SERVICE_HEADER_NAMES, USER_HEADER_NAMES } from './support/matrix_case.ts'
export {
  authtokenConfigLines,
  type MatrixWorld,
  prepareMatrixWorld,
  wwwAuthenticateUri,
} from './support/matrix_world.ts'

/**
 * `[token] expiration` for the matrix identity server, in seconds. Keystone truncates expires_at
 * to whole seconds, so a token really lives 6-7 s. Measured on a quiet machine: issuing at t0
 * takes 0.1-0.35 s and the fresh cases 0.3-0.6 s; with 4 s tokens, a machine loaded by other
 * suites (load average 12 on 2 CPUs) ran the last fresh cases after the first token expired, so
 * the lifetime leaves room for a tenfold slow-down; the whole matrix takes about 16 s.
 */
export const MATRIX_TOKEN_EXPIRATION = 7
/** `[token] allow_expired_window`, in seconds: the expired cases take 0.2-0.5 s of it (8+ s spare under load). */
export const MATRIX_ALLOW_EXPIRED_WINDOW = 9
/** Waiting this much past a boundary absorbs the second-granularity of expires_at comparisons. */
const MARGIN_MS = 500

/** The identity server's config for the matrix (Baton's identity.conf or keystone.conf). */
export const MATRIX_IDENTITY_CONFIG: readonly string[] = [
  '[token]',
  `expiration = ${MATRIX_TOKEN_EXPIRATION}`,
  `allow_expired_window = ${MATRIX_ALLOW_EXPIRED_WINDOW}`,
  '[identity]',
  // bcrypt's minimum cost: many password tokens are issued inside one short token lifetime.
  'password_hash_rounds = 4',
]

export type MatrixTarget = {
  readonly identityUrl: string
  readonly adminEnv: Record<string, string>
  /** The guarded service, already configured with authtokenConfigLines(identityUrl, …). */
  readonly guardedUrl: string
  readonly label: string
  /** Defaults to the world prepareMatrixWorld last built for identityUrl. */
  readonly world?: MatrixWorld
}

export type MatrixResult = {
  readonly label: string
  readonly outcomes: CaseOutcome[]
  /** Milliseconds: issuing at t0, each phase, the waits, and the fresh phase's slack. */
  readonly timings: Record<string, number>
}

const garbage = (): string => `garbage-${randomBytes(16).toString('hex')}`
/** Looks like a Fernet token (version byte 0x80) but no key decrypts it. */
const fakeFernet = (): string =>
  Buffer.concat([Buffer.from([0x80]), randomBytes(120)]).toString('base64url')

const nth = <T>(list: readonly T[], i: number): T => {
  const item = list[i]
  if (item === undefined) throw new Error(`matrix: token ${i} was not issued`)
  return item
}

const sleepUntil = async (at: number): Promise<void> => {
  const ms = at - Date.now()
  if (ms > 0) await sleep(ms)
}

/** Runs every case as a subtest of `t`; resolves with what each pairing observed. */
export async function runServiceTokenMatrix(
  t: TestContext,
  target: MatrixTarget,
): Promise<MatrixResult> {
  const world = target.world ?? worldFor(target.identityUrl)
  if (world === undefined) throw new Error(`no matrix world for ${target.identityUrl}`)
  const windowMs = MATRIX_ALLOW_EXPIRED_WINDOW * 1000
  const env: CaseEnv = {
    guardedUrl: target.guardedUrl.replace(/\/+$/, ''),
    wwwAuthenticate: `Keystone uri="${wwwAuthenticateUri(target.identityUrl)}"`,
    world,
    windowMs,
  }
  const outcomes: CaseOutcome[] = []
  const timings: Record<string, number> = {}
  const run = async (spec: CaseSpec): Promise<void> => {
    await t.test(spec.name, async () => {
      const got = await presentCase(env, spec)
      outcomes.push(got.outcome)
      assertTiming(spec, windowMs, got.startedAt, got.finishedAt)
      assertAnswer(env, spec, got)
    })
  }
  const issue = (who: 'user' | 'service' | 'noServiceRole', n: number): Promise<IssuedToken[]> =>
    Promise.all(Array.from({ length: n }, () => issuePasswordToken(target.identityUrl, world[who])))
  const live = (token: IssuedToken) => ({ token, state: 'live' as const })
  const expired = (token: IssuedToken) => ({ token, state: 'expired' as const })

  // Warm-up (not a case): the middleware's first validation also authenticates its own user and
  // discovers the identity endpoint, which must not eat into the fresh phase's few seconds.
  const warm = await fetch(`${env.guardedUrl}/matrix`, { headers: { 'X-Auth-Token': garbage() } })
  await warm.arrayBuffer()

  // t0: every user token, plus the fresh phase's service tokens; then the two revocations.
  const t0 = Date.now()
  const [users, services, noRole] = await Promise.all([
    issue('user', 10),
    issue('service', 3),
    issue('noServiceRole', 1),
  ])
  const u = (i: number) => nth(users, i)
  const admin = adminSession(target.identityUrl, target.adminEnv)
  await Promise.all([admin.revoke(u(4).id), admin.revoke(u(8).id)])
  const issued = Date.now()
  timings.issue = issued - t0
  const userExpiries = users.map((u) => u.expiresAt)
  const firstExpiry = Math.min(...userExpiries)
  const lastExpiry = Math.max(...userExpiries)

  // Fresh: every token live.
  await run({ name: 'valid user token → 200', expected: 200, user: live(u(1)) })
  await run({
    name: 'user + service token → 200, both confirmed',
    expected: 200,
    user: live(u(2)),
    service: live(nth(services, 0)),
    expectServiceHeaders: true,
  })
  await run({ name: 'no token → 401', expected: 401 })
  await run({ name: 'garbage user token → 401', expected: 401, user: garbage() })
  await run({
    name: 'valid user + garbage service token → 401',
    expected: 401,
    user: live(u(3)),
    service: fakeFernet(),
  })
  await run({
    name: 'revoked user token + service token → 401',
    expected: 401,
    user: live(u(4)),
    service: live(nth(services, 1)),
  })
  await run({
    name: 'valid user + service token without the service role → 401',
    expected: 401,
    user: live(u(0)),
    service: live(nth(noRole, 0)),
  })
  await run({ name: 'service token alone → 401', expected: 401, service: live(nth(services, 2)) })
  timings.fresh = Date.now() - issued
  timings.freshSlack = firstExpiry - Date.now()

  // Expired, inside the window: fresh service tokens now.
  await sleepUntil(lastExpiry + MARGIN_MS)
  const expiredStart = Date.now()
  timings.waitExpired = expiredStart - issued - timings.fresh
  const [fresh, freshNoRole] = await Promise.all([issue('service', 2), issue('noServiceRole', 1)])
  await run({ name: 'expired user token alone → 401', expected: 401, user: expired(u(5)) })
  await run({
    name: 'expired user token + service token with the role → 200',
    expected: 200,
    user: expired(u(6)),
    service: live(nth(fresh, 0)),
    expectServiceHeaders: true,
  })
  await run({
    name: 'expired user token + service token without the role → 401',
    expected: 401,
    user: expired(u(7)),
    service: live(nth(freshNoRole, 0)),
  })
  await run({
    name: 'revoked and expired user token + service token → 401',
    expected: 401,
    user: expired(u(8)),
    service: live(nth(fresh, 1)),
  })
  timings.expired = Date.now() - expiredStart
  timings.windowSlack = firstExpiry + windowMs - Date.now()

  // Past the window.
  await sleepUntil(lastExpiry + windowMs + MARGIN_MS)
  const beyondStart = Date.now()
  const late = await issue('service', 1)
  await run({
    name: 'user token expired beyond allow_expired_window + service token → 401',
    expected: 401,
    user: { token: u(9), state: 'beyond-window' },
    service: live(nth(late, 0)),
  })
  timings.beyond = Date.now() - beyondStart
  timings.total = Date.now() - t0
  t.diagnostic(`${target.label} matrix timings (ms): ${JSON.stringify(timings)}`)
  return { label: target.label, outcomes, timings }
}

/** Where two pairings disagree (status or identity header names), one line per case. */
export function diffMatrixResults(a: MatrixResult, b: MatrixResult): string[] {
  const diffs: string[] = []
  const byName = new Map(b.outcomes.map((o) => [o.name, o]))
  for (const left of a.outcomes) {
    const right = byName.get(left.name)
    if (right === undefined) {
      diffs.push(`${left.name}: missing from ${b.label}`)
    } else if (
      left.status !== right.status ||
      left.headerNames.join(',') !== right.headerNames.join(',')
    ) {
      diffs.push(
        `${left.name}: ${a.label} ${left.status} [${left.headerNames.join(',')}] vs ` +
          `${b.label} ${right.status} [${right.headerNames.join(',')}]`,
      )
    }
  }
  for (const right of b.outcomes) {
    if (!a.outcomes.some((o) => o.name === right.name))
      diffs.push(`${right.name}: missing from ${a.label}`)
  }
  return diffs
}
