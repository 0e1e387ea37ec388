/**
 * A real Baton identity server for middleware and client tests, in-process on loopback with an
 * injected clock: keys, SQLite, bootstrap, and a small world of users (a member, a service user, a
 * user without the service role, the middleware's own user) created through the v3 API.
 * @module
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '@baton/config'
import { setupKeyRepository } from '@baton/fernet'
import {
  bootstrap,
  type ChainsSource,
  createIdentityServer,
  identityOptionGroups,
  identityOptions,
  openCurrentStore,
  passwordSettings,
  syncDatabase,
} from '@baton/identity'
import { passwordLogin } from './login.ts'
import { v3Api } from './v3_api.ts'

export const ADMIN_PASSWORD = 'test-admin-pw'
/** Token lifetime and allow_expired window the tests reason about (seconds). */
export const EXPIRATION = 600
export const WINDOW = 3600

export type TestClock = { now(): number; advance(seconds: number): void }

export function testClock(start = Date.UTC(2030, 0, 1)): TestClock {
  let now = start
  return {
    now: () => now,
    advance: (s) => {
      now += s * 1000
    },
  }
}

export type WorldUser = {
  readonly name: string
  readonly password: string
  readonly id: string
  readonly project: string
}

export type TestIdentity = {
  readonly url: string
  /** `[database] connection` of the server (SQLite), for tests that inspect stored rows. */
  readonly databaseUrl: string
  readonly clock: TestClock
  readonly projects: { readonly demo: string; readonly service: string }
  readonly users: Record<'alice' | 'svc' | 'nosvc' | 'authtoken', WorldUser>
  /** A v3 API call as the bootstrap admin; throws on >= 400. */
  admin(method: string, path: string, body?: unknown): Promise<Record<string, unknown>>
  /** A project-scoped token for one of the world's users. */
  token(user: WorldUser): Promise<string>
  /** Revokes a token as the admin (DELETE /v3/auth/tokens). */
  revoke(token: string): Promise<void>
  /** `[keystone_authtoken]` values for the middleware, as its own user. */
  authtokenOptions(
    extra?: Record<string, string | number | boolean>,
  ): Record<string, string | number | boolean>
  /** HTTP requests the server has seen so far, those node refused before routing included. */
  requestCount(): number
  /** Stops serving (database and keys stay); `restart()` serves again on the same port. */
  stop(): Promise<void>
  restart(): Promise<void>
  /** Another identity process on the same database and keys (a second node), on its own port. */
  startNode(): Promise<{ readonly url: string; close(): Promise<void> }>
  close(): Promise<void>
}

export async function startTestIdentity(
  o: {
    clock?: TestClock
    extraConfig?: string[]
    /** Serve HTTPS with this certificate ([ssl]); the middleware options then name its CA. */
    tls?: { certFile: string; keyFile: string; caFile: string }
    /** The console's Chains view checks (`baton serve identity` passes the doctor's). */
    chains?: ChainsSource
  } = {},
): Promise<TestIdentity> {
  const clock = o.clock ?? testClock()
  const dir = mkdtempSync(join(tmpdir(), 'baton-test-identity-'))
  const conf = join(dir, 'identity.conf')
  writeFileSync(
    conf,
    [
      '[database]',
      `connection = sqlite:///${join(dir, 'identity.db')}`,
      '[fernet_tokens]',
      `key_repository = ${join(dir, 'keys')}`,
      '[identity]',
      'password_hash_rounds = 4',
      '[token]',
      `expiration = ${EXPIRATION}`,
      `allow_expired_window = ${WINDOW}`,
      ...(o.extraConfig ?? []),
      ...(o.tls === undefined
        ? []
        : ['[ssl]', `cert_file = ${o.tls.certFile}`, `key_file = ${o.tls.keyFile}`]),
      '',
    ].join('\n'),
  )
  const config = loadConfig({ files: [conf], groups: identityOptionGroups })
  setupKeyRepository({
    path: join(dir, 'keys'),
    maxActiveKeys: 3,
    clock,
    logger: { warn() {} },
  })
  await syncDatabase(config)
  let server = await createIdentityServer(config, {
    clock,
    ...(o.chains === undefined ? {} : { chains: o.chains }),
  })
  // port 0, then bootstrap with the real port: no window for another process to take it
  await server.app.listen({ host: '127.0.0.1', port: 0 })
  let requests = 0
  const count = (s: typeof server): void => {
    s.app.server.on('request', () => requests++)
    s.app.server.on('clientError', () => requests++)
  }
  count(server)
  const port = (server.app.server.address() as AddressInfo).port
  const scheme = o.tls === undefined ? 'http' : 'https'
  const url = `${scheme}://127.0.0.1:${port}`
  let running = true
  const { store, database } = await openCurrentStore(config, clock)
  try {
    const endpoint = `${url}/v3/`
    await bootstrap(
      store,
      {
        password: ADMIN_PASSWORD,
        publicUrl: endpoint,
        internalUrl: endpoint,
        adminUrl: endpoint,
        regionId: 'RegionOne',
      },
      {
        defaultDomainId: config.get(identityOptions).default_domain_id,
        hashing: passwordSettings(config),
        log: () => {},
      },
    )
  } finally {
    await database.close()
  }

  const api = v3Api(url)
  const login = async (name: string, password: string, project: string) =>
    (await passwordLogin(url, name, password, project)).token
  const admin = () => login('admin', ADMIN_PASSWORD, 'admin')

  const adminToken = await admin()
  const roleId = async (name: string) => {
    const { json } = await api('GET', `/roles?name=${name}`, adminToken)
    const roles = (json as unknown as { roles: { id: string }[] }).roles
    if (roles[0] !== undefined) return roles[0].id
    const created = await api('POST', '/roles', adminToken, { role: { name } })
    return (created.json as unknown as { role: { id: string } }).role.id
  }
  const project = async (name: string) => {
    const { json } = await api('POST', '/projects', adminToken, {
      project: { name, domain_id: 'default' },
    })
    return (json as unknown as { project: { id: string } }).project.id
  }
  const projects = { demo: await project('demo'), service: await project('service') }
  const roles = { member: await roleId('member'), service: await roleId('service') }
  const user = async (
    name: string,
    projectName: 'demo' | 'service',
    role: 'member' | 'service',
  ): Promise<WorldUser> => {
    const password = `pw-${name}`
    const { json } = await api('POST', '/users', adminToken, {
      user: { name, password, domain_id: 'default' },
    })
    const id = (json as unknown as { user: { id: string } }).user.id
    await api(
      'PUT',
      `/projects/${projects[projectName]}/users/${id}/roles/${roles[role]}`,
      adminToken,
    )
    return { name, password, id, project: projectName }
  }
  const users = {
    alice: await user('alice', 'demo', 'member'),
    svc: await user('svc', 'service', 'service'),
    nosvc: await user('nosvc', 'service', 'member'),
    authtoken: await user('authtoken', 'service', 'service'),
  }
  return {
    url,
    databaseUrl: `sqlite:///${join(dir, 'identity.db')}`,
    clock,
    projects,
    users,
    admin: async (method, path, body) => (await api(method, path, adminToken, body)).json ?? {},
    token: (u) => login(u.name, u.password, u.project),
    revoke: async (token) => {
      const res = await fetch(`${url}/v3/auth/tokens`, {
        method: 'DELETE',
        headers: { 'X-Auth-Token': await admin(), 'X-Subject-Token': token },
      })
      if (res.status !== 204) throw new Error(`revoke: ${res.status}`)
    },
    authtokenOptions: (extra = {}) => ({
      www_authenticate_uri: `${url}/v3`,
      auth_type: 'password',
      auth_url: `${url}/v3`,
      username: 'authtoken',
      password: 'pw-authtoken',
      user_domain_id: 'default',
      project_name: 'service',
      project_domain_id: 'default',
      interface: 'public',
      ...(o.tls === undefined ? {} : { cafile: o.tls.caFile }),
      ...extra,
    }),
    requestCount: () => requests,
    stop: async () => {
      if (running) await server.close()
      running = false
    },
    restart: async () => {
      if (running) await server.close()
      server = await createIdentityServer(config, {
        clock,
        ...(o.chains === undefined ? {} : { chains: o.chains }),
      })
      await server.app.listen({ host: '127.0.0.1', port })
      count(server)
      running = true
    },
    startNode: async () => {
      const node = await createIdentityServer(config, {
        clock,
        ...(o.chains === undefined ? {} : { chains: o.chains }),
      })
      await node.app.listen({ host: '127.0.0.1', port: 0 })
      return {
        url: `${scheme}://127.0.0.1:${(node.app.server.address() as AddressInfo).port}`,
        close: () => node.close(),
      }
    },
    close: async () => {
      if (running) await server.close()
      running = false
    },
  }
}
