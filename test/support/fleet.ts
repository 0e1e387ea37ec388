/**
 * A fleet of Baton identity nodes on real parts, for the fleet test, the soak and the bench:
 * N `baton serve identity` processes (own config, own key directory) on one PostgreSQL database,
 * behind HAProxy; optionally a Redis and a guarded `baton serve echo` whose middleware validates
 * through HAProxy and caches in that Redis. Key sharing is fleet_keys.ts's business.
 * @module
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type EchoProcess, startBatonEcho } from '../interop/echo_process.ts'
import { type FleetKeys, fleetKeys, type RotationOutcome } from './fleet_keys.ts'
import { batonCommand, type FleetNode, fleetNode } from './fleet_node.ts'
import { HAPROXY_BIN, HAPROXY_MISSING, type Haproxy, startHaproxy } from './haproxy.ts'
import { createScratchDatabase, PG_MISSING, type ScratchDatabase } from './postgres.ts'
import { freePort, REDIS_BIN, REDIS_MISSING, type RedisHandle, startRedis } from './servers.ts'
import { v3Api } from './v3_api.ts'

export const ADMIN_PASSWORD = 'fleet-admin-pw'

export type FleetOptions = {
  /** Server URL of a PostgreSQL cluster (BATON_TEST_PG_URL); a database is made per fleet. */
  readonly pgUrl: string
  readonly nodes?: number
  /** `[token] expiration` and `allow_expired_window` (s): short, so expiry happens in a run. */
  readonly expiration?: number
  readonly window?: number
  /** Seconds between key rotations. */
  readonly rotationInterval?: number
  /** Start Redis and a guarded echo (default true). */
  readonly echo?: boolean
  /** Extra lines appended to every node's config. */
  readonly nodeConfig?: readonly string[]
  readonly keys?: FleetKeys
}

export type FleetUser = { readonly name: string; readonly password: string; readonly id: string }

export type Fleet = {
  /** HAProxy's URL: what clients use. */
  readonly url: string
  readonly nodes: readonly FleetNode[]
  readonly haproxy: Haproxy
  readonly redis: RedisHandle | null
  readonly echo: EchoProcess | null
  readonly keys: FleetKeys
  readonly expiration: number
  readonly window: number
  readonly rotationInterval: number
  readonly projects: { readonly demo: string; readonly service: string }
  readonly users: { readonly alice: FleetUser; readonly svc: FleetUser }
  readonly databaseUrl: string
  /** Rotates the keys by hand (files mode); database mode rotates itself. */
  rotate(): Promise<RotationOutcome>
  close(): Promise<void>
}

/** Why a fleet cannot start here, or null when it can. */
export function fleetMissing(o: { echo?: boolean } = {}): string | null {
  if (process.env.BATON_TEST_PG_URL === undefined) return PG_MISSING
  if (!existsSync(HAPROXY_BIN)) return HAPROXY_MISSING
  if (o.echo !== false && !existsSync(REDIS_BIN)) return REDIS_MISSING
  return null
}

export function passwordAuthBody(name: string, password: string, projectId: string): unknown {
  return {
    auth: {
      identity: {
        methods: ['password'],
        password: { user: { name, password, domain: { id: 'default' } } },
      },
      scope: { project: { id: projectId } },
    },
  }
}

export async function startFleet(o: FleetOptions): Promise<Fleet> {
  const count = o.nodes ?? 3
  const expiration = o.expiration ?? 5
  const window = o.window ?? 10
  const rotationInterval = o.rotationInterval ?? 3
  const keys = o.keys ?? fleetKeys({ expiration, window, rotationInterval })
  const root = mkdtempSync(join(tmpdir(), 'baton-fleet-'))
  const cleanups: (() => Promise<void>)[] = [async () => rmSync(root, { recursive: true })]
  const close = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {})
  }
  try {
    const database: ScratchDatabase = await createScratchDatabase(o.pgUrl, 'baton_fleet')
    cleanups.push(() => database.drop())
    const nodes: FleetNode[] = []
    for (let i = 0; i < count; i += 1) {
      const dir = join(root, `node${i + 1}`)
      mkdirSync(dir, { mode: 0o700 })
      const conf = join(dir, 'identity.conf')
      const name = `node${i + 1}`
      const lines = [
        '[DEFAULT]',
        'workers = 1',
        '[database]',
        `connection = ${database.url}`,
        '[credential]',
        `key_repository = ${join(dir, 'credential-keys')}`,
        '[identity]',
        'password_hash_rounds = 4',
        '[token]',
        `expiration = ${expiration}`,
        `allow_expired_window = ${window}`,
        // the rotation guard keeps keys for the longest a delegation may live (a day by
        // default): the fleet makes none, so it is bounded like a token, and rotations every
        // few seconds need only a few keys
        '[delegation]',
        `max_lifetime = ${expiration + window}`,
        ...keys.configLines({ name, conf, dir }),
        ...(o.nodeConfig ?? []),
        '',
      ]
      writeFileSync(conf, lines.join('\n'), { mode: 0o600 })
      nodes.push(fleetNode({ name, port: await freePort(), conf, dir }))
    }
    cleanups.push(async () => {
      await Promise.all(nodes.map((n) => n.stop()))
    })
    const [first] = nodes
    if (first === undefined) throw new Error('a fleet needs a node')
    await batonCommand(['db', 'sync', '--config-file', first.conf])
    await keys.prepare(nodes)
    // the credential keys encrypt rows every node reads: one set, copied to each node
    await batonCommand(['credential', 'setup', '--config-file', first.conf])
    for (const node of nodes.slice(1)) {
      const to = join(node.dir, 'credential-keys')
      mkdirSync(to, { mode: 0o700 })
      for (const f of readdirSync(join(first.dir, 'credential-keys'))) {
        copyFileSync(join(first.dir, 'credential-keys', f), join(to, f))
      }
    }
    const haproxy = await startHaproxy({
      backends: nodes.map((n) => ({ name: n.name, port: n.port })),
    })
    if (haproxy === null) throw new Error(HAPROXY_MISSING)
    cleanups.push(() => haproxy.stop())
    const endpoint = `${haproxy.url}/v3/`
    await batonCommand([
      'bootstrap',
      '--config-file',
      first.conf,
      '--bootstrap-password',
      ADMIN_PASSWORD,
      '--bootstrap-public-url',
      endpoint,
      '--bootstrap-internal-url',
      endpoint,
      '--bootstrap-admin-url',
      endpoint,
      '--bootstrap-region-id',
      'RegionOne',
    ])
    await Promise.all(nodes.map((n) => n.start()))
    await waitAllUp(haproxy, count)

    const api = v3Api(haproxy.url)
    const admin = await api('POST', '/auth/tokens', undefined, {
      auth: {
        identity: {
          methods: ['password'],
          password: {
            user: { name: 'admin', password: ADMIN_PASSWORD, domain: { id: 'default' } },
          },
        },
        scope: { project: { name: 'admin', domain: { id: 'default' } } },
      },
    })
    const adminToken = admin.token ?? ''
    const created = async (path: string, key: string, body: unknown) =>
      ((await api('POST', path, adminToken, body)).json[key] as { id: string }).id
    const projects = {
      demo: await created('/projects', 'project', {
        project: { name: 'demo', domain_id: 'default' },
      }),
      service: await created('/projects', 'project', {
        project: { name: 'service', domain_id: 'default' },
      }),
    }
    // bootstrap makes member and service (and admin, reader, manager)
    const roleId = async (name: string) => {
      const found = await api('GET', `/roles?name=${name}`, adminToken)
      const id = (found.json.roles as { id: string }[])[0]?.id
      return id ?? (await created('/roles', 'role', { role: { name } }))
    }
    const member = await roleId('member')
    const service = await roleId('service')
    const user = async (name: string, project: string, role: string): Promise<FleetUser> => {
      const password = `pw-${name}`
      const id = await created('/users', 'user', { user: { name, password, domain_id: 'default' } })
      await api('PUT', `/projects/${project}/users/${id}/roles/${role}`, adminToken)
      return { name, password, id }
    }
    const users = {
      alice: await user('alice', projects.demo, member),
      svc: await user('svc', projects.service, service),
    }
    await user('authtoken', projects.service, service)

    let redis: RedisHandle | null = null
    let echo: EchoProcess | null = null
    if (o.echo !== false) {
      redis = await startRedis()
      if (redis === null) throw new Error(REDIS_MISSING)
      const r = redis
      cleanups.push(() => r.stop())
      echo = await startBatonEcho([
        '[keystone_authtoken]',
        `www_authenticate_uri = ${haproxy.url}/v3`,
        'auth_type = password',
        `auth_url = ${haproxy.url}/v3`,
        'username = authtoken',
        'password = pw-authtoken',
        'user_domain_id = default',
        'project_name = service',
        'project_domain_id = default',
        'interface = public',
        `redis_url = ${redis.url}`,
        'memcache_security_strategy = ENCRYPT',
        'memcache_secret_key = fleet-cache-secret',
      ])
      const e = echo
      cleanups.push(() => e.stop())
    }
    return {
      url: haproxy.url,
      nodes,
      haproxy,
      redis,
      echo,
      keys,
      expiration,
      window,
      rotationInterval,
      projects,
      users,
      databaseUrl: database.url,
      rotate: () => keys.rotate(nodes),
      close,
    }
  } catch (error) {
    await close()
    throw error
  }
}

/** Waits until HAProxy's health checks see `count` servers UP. */
export async function waitAllUp(
  haproxy: Haproxy,
  count: number,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const up = (await haproxy.stats()).filter((s) => s.proxy === 'nodes' && s.status === 'UP')
    if (up.length >= count) return
    if (Date.now() > deadline) throw new Error(`haproxy sees ${up.length} of ${count} nodes up`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
