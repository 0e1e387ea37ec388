/**
 * One case of the service-token matrix: present a user and/or service token to the guarded
 * service, record what happened (status, which identity headers the app saw), then check the
 * timing was what the case claims (a fresh token still live, an expired one inside or beyond the
 * allow_expired window) and the answer was Keystone's.
 * @module
 */
import assert from 'node:assert/strict'
import type { IssuedToken } from './keystone_api.ts'
import type { MatrixWorld } from './matrix_world.ts'

export type TokenState = 'live' | 'expired' | 'beyond-window'

/** A token to present: an issued one in the state the case needs, or a string never issued. */
export type Presented = { readonly token: IssuedToken; readonly state: TokenState } | string

export type CaseSpec = {
  readonly name: string
  readonly expected: 200 | 401
  readonly user?: Presented
  readonly service?: Presented
  /** On 200: the token's identity is the normal user's and, if set, the service user's too. */
  readonly expectServiceHeaders?: boolean
}

export type CaseOutcome = {
  readonly name: string
  readonly expected: number
  readonly status: number
  /** Names of the identity headers the guarded app saw (empty unless 200), sorted. */
  readonly headerNames: readonly string[]
}

export type CaseEnv = {
  readonly guardedUrl: string
  readonly wwwAuthenticate: string
  readonly world: MatrixWorld
  /** `[token] allow_expired_window` of the identity server, in ms. */
  readonly windowMs: number
}

/** What keystonemiddleware 10.1 leaves for the app with a confirmed project-scoped user token. */
export const USER_HEADER_NAMES: readonly string[] = [
  'x-identity-status',
  'x-is-admin-project',
  'x-project-domain-id',
  'x-project-domain-name',
  'x-project-id',
  'x-project-name',
  'x-roles',
  'x-user-domain-id',
  'x-user-domain-name',
  'x-user-id',
  'x-user-name',
]

/** Added by a confirmed service token (no admin-project flag, no deprecated copies). */
export const SERVICE_HEADER_NAMES: readonly string[] = [
  'x-service-identity-status',
  'x-service-project-domain-id',
  'x-service-project-domain-name',
  'x-service-project-id',
  'x-service-project-name',
  'x-service-roles',
  'x-service-user-domain-id',
  'x-service-user-domain-name',
  'x-service-user-id',
  'x-service-user-name',
]

const tokenText = (p: Presented): string => (typeof p === 'string' ? p : p.token.id)

/** Presents the case's tokens and records the outcome (no assertions yet). */
export async function presentCase(
  env: CaseEnv,
  spec: CaseSpec,
): Promise<{
  outcome: CaseOutcome
  identity: Record<string, string>
  body: string
  wwwAuthenticate: string | null
  startedAt: number
  finishedAt: number
}> {
  const headers: Record<string, string> = {}
  if (spec.user !== undefined) headers['X-Auth-Token'] = tokenText(spec.user)
  if (spec.service !== undefined) headers['X-Service-Token'] = tokenText(spec.service)
  const startedAt = Date.now()
  const res = await fetch(`${env.guardedUrl}/matrix`, { headers })
  const body = await res.text()
  const finishedAt = Date.now()
  let identity: Record<string, string> = {}
  if (res.status === 200) {
    identity = (JSON.parse(body) as { identity?: Record<string, string> }).identity ?? {}
  }
  return {
    outcome: {
      name: spec.name,
      expected: spec.expected,
      status: res.status,
      headerNames: Object.keys(identity).sort(),
    },
    identity,
    body,
    wwwAuthenticate: res.headers.get('www-authenticate'),
    startedAt,
    finishedAt,
  }
}

/** Fails (without naming a token) when the case did not run in the time its tokens required. */
export function assertTiming(
  spec: CaseSpec,
  windowMs: number,
  startedAt: number,
  finishedAt: number,
): void {
  for (const [role, p] of [
    ['user', spec.user],
    ['service', spec.service],
  ] as const) {
    if (p === undefined || typeof p === 'string') continue
    const { expiresAt } = p.token
    const at = `${role} token expires ${new Date(expiresAt).toISOString()}; request ran ${new Date(startedAt).toISOString()}..${new Date(finishedAt).toISOString()}`
    if (p.state === 'live') {
      assert.ok(
        finishedAt < expiresAt,
        `timing: the ${role} token expired before the case ran (${at})`,
      )
    } else if (p.state === 'expired') {
      assert.ok(startedAt >= expiresAt, `timing: the ${role} token had not expired yet (${at})`)
      assert.ok(
        finishedAt < expiresAt + windowMs,
        `timing: the ${role} token left the allow_expired window before the case ran (${at})`,
      )
    } else {
      assert.ok(startedAt >= expiresAt + windowMs, `timing: still inside the window (${at})`)
    }
  }
}

/** Checks the answer is Keystone's: a 401 body and challenge, or the identity headers on 200. */
export function assertAnswer(
  env: CaseEnv,
  spec: CaseSpec,
  got: Awaited<ReturnType<typeof presentCase>>,
): void {
  const { outcome, identity } = got
  assert.equal(
    outcome.status,
    spec.expected,
    `${spec.name}: status (body ${got.body.slice(0, 200)})`,
  )
  if (spec.expected === 401) {
    const parsed = JSON.parse(got.body) as {
      error?: { code?: unknown; title?: unknown; message?: unknown }
    }
    assert.equal(parsed.error?.code, 401)
    assert.equal(parsed.error?.title, 'Unauthorized')
    assert.equal(typeof parsed.error?.message, 'string')
    assert.equal(got.wwwAuthenticate, env.wwwAuthenticate)
    return
  }
  const { world } = env
  const expectedNames = [
    ...USER_HEADER_NAMES,
    ...(spec.expectServiceHeaders ? SERVICE_HEADER_NAMES : []),
  ]
  assert.deepEqual(outcome.headerNames, expectedNames.sort(), `${spec.name}: identity header names`)
  assert.equal(identity['x-identity-status'], 'Confirmed')
  assert.equal(identity['x-user-id'], world.user.id)
  assert.equal(identity['x-user-name'], world.user.username)
  assert.equal(identity['x-project-id'], world.projectId)
  assert.equal(identity['x-project-name'], world.user.projectName)
  assert.ok(identity['x-roles']?.split(',').includes('member'), `x-roles: ${identity['x-roles']}`)
  if (!spec.expectServiceHeaders) return
  assert.equal(identity['x-service-identity-status'], 'Confirmed')
  assert.equal(identity['x-service-user-id'], world.service.id)
  assert.equal(identity['x-service-user-name'], world.service.username)
  assert.equal(identity['x-service-project-id'], world.serviceProjectId)
  assert.equal(identity['x-service-project-name'], 'service')
  const roles = identity['x-service-roles']?.split(',') ?? []
  assert.ok(roles.includes('service'), `x-service-roles: ${identity['x-service-roles']}`)
}
