/**
 * The object and image services for tests: a real Baton identity (in-process, injected clock, or a
 * `baton serve identity` process for openstackclient), catalog entries for `object-store` and
 * `image` created through the v3 API as admin, and both services on loopback ports with their own
 * config files, data dirs and captured logs.
 * @module
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { imageService } from '../../packages/cloud/src/image/index.ts'
import type { RunningService } from '../../packages/cloud/src/kit/run_service.ts'
import { startService } from '../../packages/cloud/src/kit/run_service.ts'
import type { ServiceSpec } from '../../packages/cloud/src/kit/service_app.ts'
import { objectService } from '../../packages/cloud/src/object/index.ts'
import { ADMIN_PASSWORD, type TestClock, type WorldUser } from '../support/identity_server.ts'
import { iniText } from '../support/ini_text.ts'
import { type Login, passwordLogin } from '../support/login.ts'
import { freePort } from '../support/servers.ts'

export type { Login } from '../support/login.ts'

/** A project-scoped password login, returning the token and the ids it is for. */
export const login = passwordLogin

export function loginUser(identityUrl: string, user: WorldUser): Promise<Login> {
  return login(identityUrl, user.name, user.password, user.project)
}

export function loginAdmin(identityUrl: string, password = ADMIN_PASSWORD): Promise<Login> {
  return login(identityUrl, 'admin', password, 'admin')
}

/** Registers a catalog service with public and internal endpoints in RegionOne. */
export async function registerCatalog(
  identityUrl: string,
  adminToken: string,
  type: string,
  name: string,
  url: string,
): Promise<void> {
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${identityUrl}/v3${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Auth-Token': adminToken },
      body: JSON.stringify(body),
    })
    const text = await res.text()
    if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${text}`)
    return JSON.parse(text) as Record<string, { id: string }>
  }
  const service = (await post('/services', { service: { type, name, enabled: true } })).service
  for (const iface of ['public', 'internal']) {
    await post('/endpoints', {
      endpoint: {
        service_id: service?.id,
        interface: iface,
        url,
        region_id: 'RegionOne',
        enabled: true,
      },
    })
  }
}

export type StorageOptions = {
  readonly identityUrl: string
  /** Injected into both services (the identity server's own clock, for expiry tests). */
  readonly clock?: TestClock
  /** `[keystone_authtoken]` lines for both services. */
  readonly authtoken: Record<string, string | number | boolean>
  /** The image service's `[service_user]` user; null: send_service_user_token = false. */
  readonly imageServiceUser: { readonly name: string; readonly password: string } | null
  /** Extra INI lines per service. */
  readonly imageConfig?: readonly string[]
  readonly objectConfig?: readonly string[]
  /** The identity's bootstrap admin password (default: the in-process test identity's). */
  readonly adminPassword?: string
  /** Serve HTTPS with this certificate; `[service_user] cafile` names the CA. */
  readonly tls?: { readonly certFile: string; readonly keyFile: string; readonly caFile: string }
}

export type Storage = {
  object: RunningService
  image: RunningService
  readonly objectPort: number
  readonly imagePort: number
  readonly scheme: 'http' | 'https'
  readonly dir: string
  /** Every log line each service wrote. */
  readonly logs: { object: string[]; image: string[] }
  /** Stops a service and starts it again on the same port, data dir and config. */
  restart(which: 'object' | 'image'): Promise<void>
  close(): Promise<void>
}

/** Registers both services in the catalog, then starts them on the ports the catalog names. */
export async function startStorage(o: StorageOptions): Promise<Storage> {
  const dir = mkdtempSync(join(tmpdir(), 'baton-storage-'))
  const objectPort = await freePort()
  const imagePort = await freePort()
  const admin = await loginAdmin(o.identityUrl, o.adminPassword)
  const scheme = o.tls === undefined ? 'http' : 'https'
  await registerCatalog(
    o.identityUrl,
    admin.token,
    'object-store',
    'swift',
    `${scheme}://127.0.0.1:${objectPort}/v1/AUTH_%(project_id)s`,
  )
  await registerCatalog(
    o.identityUrl,
    admin.token,
    'image',
    'glance',
    `${scheme}://127.0.0.1:${imagePort}`,
  )
  const ssl =
    o.tls === undefined ? {} : { ssl: { cert_file: o.tls.certFile, key_file: o.tls.keyFile } }
  const cafile = o.tls === undefined ? {} : { cafile: o.tls.caFile }
  const serviceUser = o.imageServiceUser
  const sendingUser =
    serviceUser === null
      ? { send_service_user_token: false, ...cafile }
      : {
          send_service_user_token: true,
          auth_type: 'password',
          auth_url: `${o.identityUrl}/v3`,
          username: serviceUser.name,
          password: serviceUser.password,
          user_domain_id: 'default',
          project_name: 'service',
          project_domain_id: 'default',
          ...cafile,
        }
  const objectConf = join(dir, 'object.conf')
  writeFileSync(
    objectConf,
    iniText(
      {
        DEFAULT: { data_dir: join(dir, 'object') },
        keystone_authtoken: { ...o.authtoken, service_type: 'object-store' },
        ...ssl,
      },
      o.objectConfig ?? [],
    ),
  )
  const imageConf = join(dir, 'image.conf')
  writeFileSync(
    imageConf,
    iniText(
      {
        DEFAULT: { data_dir: join(dir, 'image') },
        keystone_authtoken: { ...o.authtoken, service_type: 'image' },
        service_user: sendingUser,
        ...ssl,
      },
      o.imageConfig ?? [],
    ),
  )
  const logs = { object: [] as string[], image: [] as string[] }
  const start = (spec: ServiceSpec, conf: string, port: number, sink: string[]) =>
    startService(spec, {
      configFiles: [conf],
      host: '127.0.0.1',
      port,
      log: (line) => sink.push(line),
      ...(o.clock === undefined ? {} : { clock: o.clock }),
    })
  const storage: Storage = {
    object: await start(objectService, objectConf, objectPort, logs.object),
    image: await start(imageService, imageConf, imagePort, logs.image),
    objectPort,
    imagePort,
    scheme,
    dir,
    logs,
    async restart(which) {
      // let the client pool see the old server's connections close before reusing any
      const settle = () => new Promise((resolve) => setTimeout(resolve, 50))
      if (which === 'object') {
        await storage.object.close()
        storage.object = await start(objectService, objectConf, objectPort, logs.object)
        await settle()
      } else {
        await storage.image.close()
        storage.image = await start(imageService, imageConf, imagePort, logs.image)
        await settle()
      }
    },
    async close() {
      await storage.image.close()
      await storage.object.close()
    },
  }
  return storage
}

/** The object service's account URL for a project. */
export function accountUrl(storage: Storage, projectId: string): string {
  return `${storage.scheme}://127.0.0.1:${storage.objectPort}/v1/AUTH_${projectId}`
}

export function imageUrl(storage: Storage): string {
  return `${storage.scheme}://127.0.0.1:${storage.imagePort}`
}

/**
 * For an identity that only has its bootstrap admin (`baton serve identity` in interop tests): a
 * `service` project and role, the middleware's user and the image service's `[service_user]`.
 * Returns `[keystone_authtoken]` values for the services.
 */
export async function provisionServiceUsers(
  identityUrl: string,
  adminPassword: string,
): Promise<{ authtoken: Record<string, string>; serviceUser: { name: string; password: string } }> {
  const admin = await loginAdmin(identityUrl, adminPassword)
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${identityUrl}/v3${path}`, {
      method,
      headers: {
        'X-Auth-Token': admin.token,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    const text = await res.text()
    if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${text}`)
    return text === '' ? {} : (JSON.parse(text) as Record<string, { id: string }>)
  }
  const findOrCreate = async (kind: 'project' | 'role', body: Record<string, string>) => {
    const found = (await api('GET', `/${kind}s?name=${body.name}`)) as unknown as Record<
      string,
      { id: string }[]
    >
    return found[`${kind}s`]?.[0] ?? (await api('POST', `/${kind}s`, { [kind]: body }))[kind]
  }
  const project = await findOrCreate('project', { name: 'service', domain_id: 'default' })
  const role = await findOrCreate('role', { name: 'service' })
  const user = async (name: string) => {
    const created = (
      await api('POST', '/users', { user: { name, password: `pw-${name}`, domain_id: 'default' } })
    ).user
    await api('PUT', `/projects/${project?.id}/users/${created?.id}/roles/${role?.id}`)
  }
  await user('baton-authtoken')
  await user('baton-image')
  return {
    authtoken: {
      www_authenticate_uri: `${identityUrl}/v3`,
      auth_type: 'password',
      auth_url: `${identityUrl}/v3`,
      username: 'baton-authtoken',
      password: 'pw-baton-authtoken',
      user_domain_id: 'default',
      project_name: 'service',
      project_domain_id: 'default',
      interface: 'public',
    },
    serviceUser: { name: 'baton-image', password: 'pw-baton-image' },
  }
}
