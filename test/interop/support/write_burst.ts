/**
 * A bounded burst of concurrent writes against a real identity server (loopback only): four
 * writers (POST /v3/projects, POST /v3/users, two on PUT project role grants) for a fixed time,
 * counting the answers by status. Used by the multi-worker SQLite regression test and, with a
 * longer duration, to measure by hand (`BATON_WRITE_BURST_SECONDS=30`).
 * @module
 */
import { randomBytes } from 'node:crypto'
import { request } from 'node:http'

export type BurstResult = {
  readonly writes: number
  readonly byStatus: ReadonlyMap<number, number>
  /** Answers with a 5xx status. */
  readonly serverErrors: number
  /** The first few 5xx bodies, to show what went wrong. */
  readonly samples: readonly string[]
}

export type BurstTarget = { readonly url: string; readonly adminToken: string }

const WRITERS = ['project', 'user', 'grant', 'grant'] as const

/** An admin token for the bootstrap admin (project-scoped to `admin`). */
export async function adminToken(url: string, password: string): Promise<string> {
  const res = await fetch(`${url}/v3/auth/tokens?nocatalog`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: 'admin', domain: { id: 'default' }, password } },
        },
        scope: { project: { name: 'admin', domain: { id: 'default' } } },
      },
    }),
  })
  await res.arrayBuffer()
  const token = res.headers.get('x-subject-token')
  if (res.status !== 201 || token === null) throw new Error(`admin login: ${res.status}`)
  return token
}

/**
 * One request on a fresh connection (no keep-alive): the cluster primary hands connections to
 * the workers in turn, so every worker gets its share of the writes.
 */
function call(
  target: BurstTarget,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; text: string }> {
  return freshRequest(target.url, method, path, body, { 'x-auth-token': target.adminToken })
}

/** `call` without a token: any request on a connection of its own. */
export function freshRequest(
  url: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  const payload = body === undefined ? undefined : JSON.stringify(body)
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}${path}`,
      {
        method,
        agent: false,
        headers: {
          ...headers,
          ...(payload === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
        },
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }),
        )
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end(payload)
  })
}

async function created(target: BurstTarget, path: string, body: unknown, key: string) {
  const res = await call(target, 'POST', path, body)
  if (res.status !== 201) throw new Error(`seed POST ${path}: ${res.status} ${res.text}`)
  const entity = (JSON.parse(res.text) as Record<string, { id: string }>)[key]
  if (entity === undefined) throw new Error(`seed POST ${path}: no ${key}`)
  return entity.id
}

/** Runs the four writers for `seconds` (wall clock) and counts every answer. */
export async function writeBurst(target: BurstTarget, seconds: number): Promise<BurstResult> {
  const tag = randomBytes(3).toString('hex')
  // targets for the grant writers, made before the clock starts
  const projects: string[] = []
  const users: string[] = []
  const roles: string[] = []
  for (let i = 0; i < 4; i++) {
    projects.push(
      await created(target, '/v3/projects', { project: { name: `gp-${tag}-${i}` } }, 'project'),
    )
    users.push(await created(target, '/v3/users', { user: { name: `gu-${tag}-${i}` } }, 'user'))
    roles.push(await created(target, '/v3/roles', { role: { name: `gr-${tag}-${i}` } }, 'role'))
  }
  const byStatus = new Map<number, number>()
  const samples: string[] = []
  let writes = 0
  let serial = 0
  const deadline = Date.now() + seconds * 1000
  const pick = (list: readonly string[]) => list[Math.floor(Math.random() * list.length)] ?? ''
  const writer = async (kind: (typeof WRITERS)[number]) => {
    while (Date.now() < deadline) {
      const n = serial++
      const res =
        kind === 'project'
          ? await call(target, 'POST', '/v3/projects', { project: { name: `bp-${tag}-${n}` } })
          : kind === 'user'
            ? await call(target, 'POST', '/v3/users', { user: { name: `bu-${tag}-${n}` } })
            : await call(
                target,
                'PUT',
                `/v3/projects/${pick(projects)}/users/${pick(users)}/roles/${pick(roles)}`,
              )
      writes++
      byStatus.set(res.status, (byStatus.get(res.status) ?? 0) + 1)
      if (res.status >= 500 && samples.length < 3) samples.push(`${res.status} ${res.text}`)
    }
  }
  await Promise.all(WRITERS.map(writer))
  let serverErrors = 0
  for (const [status, count] of byStatus) if (status >= 500) serverErrors += count
  return { writes, byStatus, serverErrors, samples }
}
