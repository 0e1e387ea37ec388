/**
 * The compute -> volume -> image -> object chain for tests: a real in-process Baton identity with an
 * injected clock, catalog entries created as admin, the real image and object services (from
 * `storage_support.ts`), and the volume and compute services on loopback ports with their own
 * config files and data dirs, restartable on the same port and dir.
 * @module
 */
import {
  closeSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { computeService } from '../../packages/cloud/src/compute/index.ts'
import { type RunningService, startService } from '../../packages/cloud/src/kit/run_service.ts'
import { volumeService } from '../../packages/cloud/src/volume/index.ts'
import {
  ADMIN_PASSWORD,
  EXPIRATION,
  startTestIdentity,
  type TestIdentity,
} from '../support/identity_server.ts'
import { iniText } from '../support/ini_text.ts'
import { freePort } from '../support/servers.ts'
import {
  imageUrl,
  type Login,
  login,
  loginAdmin,
  registerCatalog,
  type Storage,
  startStorage,
} from './storage_support.ts'

export type { Login }

type Json = Record<string, unknown>

export type ServiceHandle = {
  readonly url: string
  running: RunningService
  readonly dataDir: string
  readonly logs: string[]
  /** Every audit line the service wrote, parsed. */
  audit(): Json[]
  /** Stops the service and builds it again on the same port, config and data dir. */
  restart(): Promise<void>
  close(): Promise<void>
}

export type ServiceOptions = {
  /** `[service_user] send_service_user_token`; default true. */
  readonly sendServiceToken?: boolean
  /** `[service_user] delegate`: bind long operations to a delegation; default false. */
  readonly delegate?: boolean
  /** Extra `[DEFAULT]` options. */
  readonly defaults?: Record<string, string | number>
  /** Further groups for the service's config file (`[healthcheck]`, `[metrics]`, ...). */
  readonly groups?: Record<string, Record<string, string | number | boolean>>
  /** Extra `[service_user]` options (e.g. another `cafile`). */
  readonly serviceUser?: Record<string, string | number | boolean>
}

/** Where services run: the identity they trust, their credentials, the clock they read. */
export type ServiceEnvironment = {
  readonly identityUrl: string
  readonly adminPassword: string
  /** `[keystone_authtoken]` values. */
  readonly authtoken: Record<string, string | number | boolean>
  /** The `[service_user]` they send service tokens as. */
  readonly serviceUser: { readonly name: string; readonly password: string }
  readonly clock?: { now(): number }
  /** Parent of each service's data dir and config file. */
  readonly dir: string
  /** Serve HTTPS with this certificate; `[service_user] cafile` names the CA. */
  readonly tls?: { readonly certFile: string; readonly keyFile: string; readonly caFile: string }
}

const SPECS = {
  volume: { spec: volumeService, type: 'volumev3', name: 'cinderv3', path: '/v3/%(project_id)s' },
  compute: { spec: computeService, type: 'compute', name: 'nova', path: '/v2.1' },
} as const

function readAudit(file: string): Json[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Json)
}

/** Registers the service in the catalog on a free port, then starts it there with its own config. */
export async function startCloudService(
  env: ServiceEnvironment,
  which: keyof typeof SPECS,
  o: ServiceOptions = {},
): Promise<ServiceHandle> {
  const { spec, type, name, path } = SPECS[which]
  const port = await freePort()
  const url = `${env.tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`
  const admin = await loginAdmin(env.identityUrl, env.adminPassword)
  await registerCatalog(env.identityUrl, admin.token, type, name, `${url}${path}`)
  const dataDir = join(env.dir, `${spec.name}-${port}`)
  const conf = `${dataDir}.conf`
  const sender = {
    send_service_user_token: true,
    auth_type: 'password',
    auth_url: `${env.identityUrl}/v3`,
    username: env.serviceUser.name,
    password: env.serviceUser.password,
    user_domain_id: 'default',
    project_name: 'service',
    project_domain_id: 'default',
  }
  const tls = env.tls
  const cafile = tls === undefined ? {} : { cafile: tls.caFile }
  writeFileSync(
    conf,
    iniText({
      DEFAULT: { data_dir: dataDir, ...o.defaults },
      keystone_authtoken: { ...env.authtoken, service_type: type },
      service_user:
        (o.sendServiceToken ?? true)
          ? { ...sender, delegate: o.delegate ?? false, ...cafile, ...o.serviceUser }
          : { send_service_user_token: false, ...cafile, ...o.serviceUser },
      ...(tls === undefined ? {} : { ssl: { cert_file: tls.certFile, key_file: tls.keyFile } }),
      ...o.groups,
    }),
  )
  const logs: string[] = []
  const boot = () =>
    startService(spec, {
      configFiles: [conf],
      host: '127.0.0.1',
      port,
      log: (line) => logs.push(line),
      ...(env.clock === undefined ? {} : { clock: env.clock }),
    })
  let closed = false
  const handle: ServiceHandle = {
    url,
    running: await boot(),
    dataDir,
    logs,
    audit: () => readAudit(join(dataDir, 'audit.log')),
    async restart() {
      await handle.running.close()
      handle.running = await boot()
    },
    async close() {
      if (closed) return
      closed = true
      await handle.running.close()
    },
  }
  return handle
}

export type Images = {
  readonly url: string
  readonly storage: Storage
  /** Uploads an image as `who` (alice by default); `queued` leaves it without data. */
  add(data: Buffer, o?: { queued?: boolean; who?: Login }): Promise<string>
  /** What the image service's middleware decided for each completed GET of the image's data. */
  downloads(imageId: string): { expiredAccepted: boolean; serviceUser: unknown }[]
}

export type Chain = {
  readonly identity: TestIdentity
  readonly dir: string
  /** alice (project demo) logs in now, at the injected clock's time. */
  alice(): Promise<Login>
  /** The real image and object services (started once, on first use). */
  images(o?: { sendServiceToken?: boolean }): Promise<Images>
  startVolume(o?: ServiceOptions): Promise<ServiceHandle>
  startCompute(o?: ServiceOptions): Promise<ServiceHandle>
  close(): Promise<void>
}

/**
 * An identity with the test world (alice in demo, svc with the service role) and nothing started;
 * `identityConfig`: extra lines for identity's config (e.g. `allow_expired_window = 0`).
 */
export async function startChain(
  o: {
    identityConfig?: string[]
    /** Every server on HTTPS with this certificate, every client trusting its CA. */
    tls?: { readonly certFile: string; readonly keyFile: string; readonly caFile: string }
  } = {},
): Promise<Chain> {
  const identity = await startTestIdentity({
    ...(o.identityConfig === undefined ? {} : { extraConfig: o.identityConfig }),
    ...(o.tls === undefined ? {} : { tls: o.tls }),
  })
  const env: ServiceEnvironment = {
    identityUrl: identity.url,
    adminPassword: ADMIN_PASSWORD,
    authtoken: identity.authtokenOptions(),
    serviceUser: { name: 'svc', password: 'pw-svc' },
    clock: identity.clock,
    dir: mkdtempSync(join(tmpdir(), 'baton-chain-')),
    ...(o.tls === undefined ? {} : { tls: o.tls }),
  }
  const started: { close(): Promise<void> }[] = []
  const start = async (which: keyof typeof SPECS, o: ServiceOptions) => {
    const handle = await startCloudService(env, which, o)
    started.push(handle)
    return handle
  }
  const alice = () => login(identity.url, 'alice', 'pw-alice', 'demo')
  let images: Images | undefined
  return {
    identity,
    dir: env.dir,
    alice,
    async images(o = {}) {
      if (images !== undefined) return images
      const storage = await startStorage({
        identityUrl: identity.url,
        clock: identity.clock,
        authtoken: env.authtoken,
        imageServiceUser: (o.sendServiceToken ?? true) ? env.serviceUser : null,
        ...(env.tls === undefined ? {} : { tls: env.tls }),
      })
      started.push(storage)
      const url = imageUrl(storage)
      images = {
        url,
        storage,
        async add(data, a = {}) {
          const who = a.who ?? (await alice())
          const meta = { name: 'cirros', disk_format: 'raw', container_format: 'bare' }
          const created = await api(`${url}/v2/images`, who.token, { method: 'POST', json: meta })
          if (created.status !== 201) throw new Error(`image create: ${created.status}`)
          const id = String(created.body.id)
          if (a.queued === true) return id
          const headers = { 'X-Auth-Token': who.token, 'Content-Type': 'application/octet-stream' }
          const put = await fetch(`${url}/v2/images/${id}/file`, {
            method: 'PUT',
            headers,
            body: data,
          })
          if (put.status !== 204) throw new Error(`image upload: ${put.status} ${await put.text()}`)
          return id
        },
        downloads: (imageId) =>
          readAudit(join(storage.dir, 'image', 'audit.log'))
            .filter(
              (l) =>
                l.direction === 'received' &&
                l.method === 'GET' &&
                l.path === `/v2/images/${imageId}/file`,
            )
            .map((l) => ({
              expiredAccepted: l.expired_user_token_accepted === true,
              serviceUser: l.service_user_id,
            })),
      }
      return images
    },
    startVolume: (o = {}) => start('volume', o),
    startCompute: (o = {}) => start('compute', o),
    async close() {
      for (const service of started.reverse()) await service.close()
      await identity.close()
      rmSync(env.dir, { recursive: true, force: true })
    },
  }
}

/** Polls `read` until `done` holds (real time; the services' work is real I/O). */
export async function waitFor<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await read()
    if (done(value)) return value
    if (Date.now() > deadline)
      throw new Error(`timed out waiting; last value: ${JSON.stringify(value)}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

/** A JSON call with a token; returns the status, headers and parsed body. */
export async function api(
  url: string,
  token: string | undefined,
  init: { method?: string; json?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; body: Json }> {
  const method = init.method ?? 'GET'
  const send = () =>
    fetch(url, {
      method,
      headers: {
        ...(token === undefined ? {} : { 'X-Auth-Token': token }),
        ...(init.json === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...init.headers,
      },
      ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
    })
  let res: Response
  try {
    res = await send()
  } catch (error) {
    // a kept-alive connection to a service that just restarted: a GET may simply be sent again
    if (method !== 'GET') throw error
    res = await send()
  }
  const text = await res.text()
  return {
    status: res.status,
    headers: res.headers,
    body: text === '' ? {} : (JSON.parse(text) as Json),
  }
}

/** The first `length` bytes of a (large, sparse) volume file. */
export function readHead(file: string, length: number): Buffer {
  const head = Buffer.alloc(length)
  const fd = openSync(file, 'r')
  try {
    readSync(fd, head, 0, length, 0)
  } finally {
    closeSync(fd)
  }
  return head
}

/**
 * Boots a server from `imageId`, lets the volume's copy start while the user's token is valid, then
 * expires the token (injected clock); `restartVolume` also restarts the volume service, so its copy
 * begins again after expiry. Resolves with the server once it is ACTIVE or ERROR.
 */
export async function bootAcrossExpiry(o: {
  readonly chain: Chain
  readonly compute: ServiceHandle
  readonly volume: ServiceHandle
  readonly imageId: string
  readonly restartVolume: boolean
  readonly deleteOnTermination?: boolean
}): Promise<{ server: Json; volumeId: string }> {
  const alice = await o.chain.alice()
  const bdm = {
    source_type: 'image',
    destination_type: 'volume',
    uuid: o.imageId,
    volume_size: 1,
    boot_index: 0,
  }
  const server = { name: 'long-job', flavorRef: '1', imageRef: '' }
  const created = await api(`${o.compute.url}/v2.1/servers`, alice.token, {
    method: 'POST',
    json: {
      server: {
        ...server,
        block_device_mapping_v2: [
          { ...bdm, delete_on_termination: o.deleteOnTermination ?? false },
        ],
      },
    },
  })
  if (created.status !== 202)
    throw new Error(`boot: ${created.status} ${JSON.stringify(created.body)}`)
  const serverId = (created.body.server as Json).id as string
  const volumesUrl = `${o.volume.url}/v3/${alice.projectId}/volumes/detail`
  const downloading = await waitFor(
    async () => (await api(volumesUrl, alice.token)).body.volumes as Json[],
    (volumes) => volumes[0]?.status === 'downloading',
  )
  o.chain.identity.clock.advance(EXPIRATION + 60)
  if (o.restartVolume) await o.volume.restart()
  const observer = await o.chain.alice()
  const settled = await waitFor(
    async () =>
      (await api(`${o.compute.url}/v2.1/servers/${serverId}`, observer.token)).body.server as Json,
    (v) => v.status === 'ACTIVE' || v.status === 'ERROR',
  )
  return { server: settled, volumeId: downloading[0]?.id as string }
}
