/**
 * The fleet's load loop: workers that issue tokens (password), rescope them, validate them
 * through HAProxy (fresh, and expired within allow_expired_window with a service token), call the
 * guarded echo with user + service tokens (expired user tokens too), and create projects and
 * users, for a bounded time while fleet_chaos.ts kills nodes and rotates keys. Each answer is
 * judged against the tokens' own expires_at, with a margin: a token valid for the whole request
 * must be accepted, an expired one (without a service token) refused. At the end every write
 * that was acknowledged with a 201 is looked up again.
 * @module
 */
import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { ADMIN_PASSWORD, type Fleet, type FleetUser, passwordAuthBody } from './fleet.ts'
import { type ChaosOptions, startChaos } from './fleet_chaos.ts'
import { type FleetOp, type FleetRunSummary, newCounts, sample } from './fleet_counts.ts'

/** ms kept clear of an expiry before a verdict counts: clocks round, requests take time. */
const MARGIN = 300

export type LoadOptions = ChaosOptions & {
  readonly seconds: number
  /** Concurrent request loops (default 4). */
  readonly workers?: number
  readonly log?: (line: string) => void
}

type Reply = {
  status: number
  sent: number
  received: number
  json: Record<string, unknown>
  token: string | null
}
type Token = { readonly id: string; readonly expiresAt: number }

const WEIGHTS: readonly [FleetOp, number][] = [
  ['issue', 2],
  ['rescope', 1],
  ['validate', 3],
  ['validate_expired', 1],
  ['echo_user_service', 3],
  ['echo_expired_service', 1],
  ['echo_expired_alone', 1],
  ['write', 1],
]

function pickOp(): FleetOp {
  const total = WEIGHTS.reduce((n, [, w]) => n + w, 0)
  let r = Math.random() * total
  for (const [op, w] of WEIGHTS) {
    r -= w
    if (r < 0) return op
  }
  return 'issue'
}

export async function runFleetLoad(fleet: Fleet, o: LoadOptions): Promise<FleetRunSummary> {
  const counts = newCounts()
  const runId = randomBytes(3).toString('hex')
  const windowMs = fleet.window * 1000
  const pool: Token[] = []
  const written: { path: string; id: string }[] = []
  let writes = 0
  const started = performance.now()
  const before = await fleet.haproxy.backendStats()
  const chaos = startChaos(fleet, counts, o)

  const atKill = (r: { sent: number; received: number }) =>
    chaos.killedAt.some((k) => r.sent <= k + 100 && r.received >= k - 100)

  async function call(
    base: string,
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: unknown,
  ): Promise<Reply | null> {
    const sent = Date.now()
    try {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: {
          ...headers,
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      })
      const text = await res.text()
      let json: Record<string, unknown> = {}
      try {
        json = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>)
      } catch {
        json = { text: text.slice(0, 200) }
      }
      return {
        status: res.status,
        sent,
        received: Date.now(),
        json,
        token: res.headers.get('x-subject-token'),
      }
    } catch (error) {
      counts.transportErrors += 1
      sample(counts, `${method} ${path}: ${error instanceof Error ? error.message : String(error)}`)
      return null
    }
  }

  /** 5xx and unexpected statuses; true when the reply was one of them (already counted). */
  function badStatus(op: FleetOp, r: Reply, allowed: readonly number[]): boolean {
    if (r.status >= 500) {
      if (atKill(r)) counts.fiveXxAtKill += 1
      else counts.fiveXxUnexplained += 1
      sample(
        counts,
        `${op}: ${r.status}${atKill(r) ? ' (in flight at a kill)' : ''} ${JSON.stringify(r.json).slice(0, 160)}`,
      )
      return true
    }
    if (!allowed.includes(r.status)) {
      counts.unexpected += 1
      sample(counts, `${op}: unexpected ${r.status} ${JSON.stringify(r.json).slice(0, 160)}`)
      return true
    }
    return false
  }

  /** Must be accepted: `validUntil` is when the first token it carries stops being valid. */
  function expectAccept(
    op: FleetOp,
    r: Reply | null,
    validUntil: number,
    ok: readonly number[],
  ): boolean {
    if (r === null || badStatus(op, r, [...ok, 401, 404])) return false
    if (ok.includes(r.status)) {
      counts.ops[op].ok += 1
      counts.ops[op].latenciesMs.push(r.received - r.sent)
      return true
    }
    if (r.received < validUntil - MARGIN) {
      counts.falseRejections += 1
      sample(
        counts,
        `${op}: valid token refused with ${r.status} (${validUntil - r.received} ms before expiry) ${JSON.stringify(r.json).slice(0, 160)}`,
      )
    } else counts.ambiguous += 1
    return false
  }

  /** Must be refused: `invalidFrom` is when its token stopped being valid. */
  function expectReject(op: FleetOp, r: Reply | null, invalidFrom: number): void {
    if (r === null || badStatus(op, r, [200, 401, 404])) return
    const clear = r.sent > invalidFrom + MARGIN
    if (!clear) counts.ambiguous += 1
    else if (r.status === 200) {
      counts.falseAcceptances += 1
      sample(counts, `${op}: expired token accepted`)
    } else {
      counts.rightRejections += 1
      counts.ops[op].ok += 1
      counts.ops[op].latenciesMs.push(r.received - r.sent)
    }
  }

  const tokenOf = (r: Reply): Token | null => {
    const expires = (r.json.token as { expires_at?: string } | undefined)?.expires_at
    return r.token === null || expires === undefined
      ? null
      : { id: r.token, expiresAt: Date.parse(expires) }
  }

  async function issue(
    user: FleetUser,
    project: string,
    op: FleetOp = 'issue',
  ): Promise<Token | null> {
    const r = await call(
      fleet.url,
      'POST',
      '/v3/auth/tokens',
      {},
      passwordAuthBody(user.name, user.password, project),
    )
    // a password login has no token to expire: any 401 is a false rejection
    return expectAccept(op, r, Number.POSITIVE_INFINITY, [201]) && r !== null ? tokenOf(r) : null
  }

  /** A token kept fresh for the loops: the service user's, the admin's. */
  function holder(login: () => Promise<Token | null>) {
    let current: Token | null = null
    let pending: Promise<Token | null> | null = null
    return async (): Promise<Token | null> => {
      if (current !== null && current.expiresAt - Date.now() > 2500) return current
      pending ??= login().finally(() => {
        pending = null
      })
      const next = await pending
      if (next !== null) current = next
      return next
    }
  }
  const serviceToken = holder(() => issue(fleet.users.svc, fleet.projects.service))
  const adminToken = holder(async () => {
    const r = await call(
      fleet.url,
      'POST',
      '/v3/auth/tokens',
      {},
      {
        auth: {
          identity: {
            methods: ['password'],
            password: {
              user: { name: 'admin', password: ADMIN_PASSWORD, domain: { id: 'default' } },
            },
          },
          scope: { project: { name: 'admin', domain: { id: 'default' } } },
        },
      },
    )
    return expectAccept('issue', r, Number.POSITIVE_INFINITY, [201]) && r !== null
      ? tokenOf(r)
      : null
  })

  const fresh = () => {
    const now = Date.now()
    const list = pool.filter((t) => t.expiresAt - now > 1500)
    return list[Math.floor(Math.random() * list.length)]
  }
  const expiredInWindow = () => {
    const now = Date.now()
    const list = pool.filter((t) => now > t.expiresAt + 500 && now < t.expiresAt + windowMs - 2500)
    return list[Math.floor(Math.random() * list.length)]
  }
  const remember = (t: Token | null) => {
    if (t === null) return
    pool.push(t)
    if (pool.length > 300) pool.splice(0, pool.length - 300)
  }

  async function step(op: FleetOp): Promise<void> {
    const alice = fleet.users.alice
    const user =
      op === 'validate_expired' || op.startsWith('echo_expired') ? expiredInWindow() : fresh()
    if (op === 'issue' || (op !== 'write' && user === undefined)) {
      remember(await issue(alice, fleet.projects.demo))
      return
    }
    if (op === 'write') {
      const admin = await adminToken()
      if (admin === null) return
      writes += 1
      const [path, key, body] =
        writes % 2 === 0
          ? [
              '/v3/projects',
              'project',
              { project: { name: `fleet-${runId}-${writes}`, domain_id: 'default' } },
            ]
          : [
              '/v3/users',
              'user',
              { user: { name: `fleet-${runId}-${writes}`, password: 'pw', domain_id: 'default' } },
            ]
      const r = await call(fleet.url, 'POST', path, { 'X-Auth-Token': admin.id }, body)
      if (r !== null && r.status === 409) {
        // HAProxy sent it again after the first try committed on a node killed before answering
        counts.writesConflictAfterRetry += 1
        return
      }
      if (expectAccept('write', r, admin.expiresAt, [201]) && r !== null) {
        const id = (r.json[key] as { id?: string } | undefined)?.id
        if (id !== undefined) {
          written.push({ path, id })
          counts.writesAcknowledged += 1
        }
      }
      return
    }
    if (user === undefined) return
    if (op === 'rescope') {
      const r = await call(
        fleet.url,
        'POST',
        '/v3/auth/tokens',
        {},
        {
          auth: {
            identity: { methods: ['token'], token: { id: user.id } },
            scope: { project: { id: fleet.projects.demo } },
          },
        },
      )
      if (expectAccept(op, r, user.expiresAt, [201]) && r !== null) remember(tokenOf(r))
      return
    }
    const svc = await serviceToken()
    if (svc === null) return
    if (op === 'validate' || op === 'validate_expired') {
      const query = op === 'validate_expired' ? '?allow_expired=1' : ''
      const r = await call(fleet.url, 'GET', `/v3/auth/tokens${query}`, {
        'X-Auth-Token': svc.id,
        'X-Subject-Token': user.id,
      })
      const until = op === 'validate' ? user.expiresAt : user.expiresAt + windowMs
      expectAccept(op, r, Math.min(until, svc.expiresAt), [200])
      return
    }
    const echo = fleet.echo
    if (echo === null) return
    if (op === 'echo_expired_alone') {
      expectReject(
        op,
        await call(echo.url, 'GET', '/', { 'X-Auth-Token': user.id }),
        user.expiresAt,
      )
      return
    }
    const r = await call(echo.url, 'GET', '/', {
      'X-Auth-Token': user.id,
      'X-Service-Token': svc.id,
    })
    const until = op === 'echo_user_service' ? user.expiresAt : user.expiresAt + windowMs
    if (expectAccept(op, r, Math.min(until, svc.expiresAt), [200]) && r !== null) {
      const identity = (r.json.identity ?? {}) as Record<string, string>
      if (
        identity['x-user-id'] !== alice.id ||
        identity['x-service-user-id'] !== fleet.users.svc.id
      ) {
        counts.unexpected += 1
        sample(counts, `${op}: echo saw ${JSON.stringify(identity).slice(0, 200)}`)
      }
    }
  }

  const deadline = performance.now() + o.seconds * 1000
  const progress = setInterval(() => {
    const ok = Object.values(counts.ops).reduce((n, op) => n + op.ok, 0)
    o.log?.(
      `${((performance.now() - started) / 1000).toFixed(0)} s: ${ok} ok, ${counts.kills} kills, ` +
        `${counts.rotations} rotations, false rejections ${counts.falseRejections}, ` +
        `5xx ${counts.fiveXxUnexplained} (+${counts.fiveXxAtKill} at a kill)`,
    )
  }, 30_000)
  const worker = async () => {
    while (performance.now() < deadline) await step(pickOp())
  }
  let chaosError: unknown = null
  try {
    await Promise.all(Array.from({ length: o.workers ?? 4 }, worker))
  } finally {
    clearInterval(progress)
    await chaos.stop().catch((error) => {
      chaosError = error
    })
  }
  if (chaosError !== null) throw chaosError
  const seconds = (performance.now() - started) / 1000

  // every acknowledged write must be there, whichever node answers
  const admin = await adminToken()
  for (const w of written) {
    let status = 0
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const r = await call(fleet.url, 'GET', `${w.path}/${w.id}`, {
        'X-Auth-Token': admin?.id ?? '',
      })
      status = r?.status ?? 0
      if (status < 500 && status !== 0) break
      await sleep(200)
    }
    if (status !== 200) {
      counts.writesLost += 1
      sample(counts, `write lost: ${w.path}/${w.id} answers ${status}`)
    }
  }
  const after = await fleet.haproxy.backendStats()
  return {
    seconds,
    mode: fleet.keys.note,
    nodes: fleet.nodes.length,
    counts,
    haproxy: {
      requests: after.requests - before.requests,
      retries: after.retries - before.retries,
      redispatches: after.redispatches - before.redispatches,
      fiveXx: after.responses5xx - before.responses5xx,
    },
  }
}
