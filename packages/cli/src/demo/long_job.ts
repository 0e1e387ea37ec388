/**
 * One run of the long-job story on a throw-away local cloud: a user boots a server from a volume
 * made from an image; the volume's throttled copy outlives the user's token by several times; the
 * chain compute -> volume -> image -> object goes on (or not) depending on whether the senders send
 * service tokens. Returns what happened so the command can judge it.
 * @module
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { CliIo } from '../io.ts'
import { adminApi, ensure, type Json, passwordLogin } from '../local_cloud/identity_admin.ts'
import {
  auditTrailPath,
  type CloudPlan,
  SERVICE_FACTS,
  SERVICES,
  urlOf,
} from '../local_cloud/plan.ts'
import { choosePorts } from '../local_cloud/ports.ts'
import { type LocalCloud, startLocalCloud } from '../local_cloud/start_cloud.ts'
import { AuditTail } from './audit_tail.ts'
import { Timeline, type TimelineOutput } from './timeline.ts'

export const DEMO_TOKEN_SECONDS = 5
const IMAGE_BYTES = 192 * 1024
const COPY_SECONDS = 15

export type ScenarioResult = {
  readonly status: string
  readonly fault: string | undefined
  readonly expiredAcceptedBy: readonly string[]
  /** Service -> the actor chain of the delegation it accepted (service user names, oldest first). */
  readonly delegationChains: ReadonlyMap<string, readonly string[]>
  readonly cloud: LocalCloud
}

const DEMO_PASSWORD = 'demo-user-password'

async function call(
  url: string,
  token: string,
  init: { method?: string; json?: unknown; body?: Buffer } = {},
): Promise<Json> {
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: {
      'X-Auth-Token': token,
      ...(init.json === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...(init.body === undefined ? {} : { 'Content-Type': 'application/octet-stream' }),
    },
    ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
    ...(init.body === undefined ? {} : { body: init.body }),
  })
  const text = await res.text()
  if (res.status >= 400) throw new Error(`${init.method ?? 'GET'} ${url}: ${res.status} ${text}`)
  return text === '' ? {} : (JSON.parse(text) as Json)
}

/** How the senders of a scenario's cloud behave, and identity's window. */
export type DemoSenders = {
  readonly sendServiceUserToken: boolean
  /** `[service_user] delegate` (default false: the classic story). */
  readonly delegate?: boolean
  /** `[token] allow_expired_window` (default one hour). */
  readonly allowExpiredWindow?: number
}

/** Starts a throw-away cloud for one scenario; the caller stops it (after the doctor has looked). */
export async function startDemoCloud(senders: DemoSenders, io: CliIo): Promise<LocalCloud> {
  const dataDir = mkdtempSync(join(tmpdir(), 'baton-demo-'))
  const plan: CloudPlan = {
    dataDir,
    host: '127.0.0.1',
    ports: await choosePorts('127.0.0.1', {}, true),
    tokenExpiration: DEMO_TOKEN_SECONDS,
    allowExpiredWindow: senders.allowExpiredWindow ?? 3600,
    maxActiveKeys: 3,
    copyBytesPerSecond: Math.round(IMAGE_BYTES / COPY_SECONDS),
    // four ranged reads: the later ones travel the whole chain with an expired user token
    copyChunkBytes: IMAGE_BYTES / 4,
    // a throw-away cloud whose 5 s tokens make every hop log in again: cheap hashes keep it brisk
    passwordHashRounds: 4,
    sendServiceUserToken: senders.sendServiceUserToken,
    delegate: senders.delegate ?? false,
  }
  return startLocalCloud(plan, { ...io, out: () => {}, err: () => {} })
}

export function removeDemoCloud(cloud: LocalCloud): void {
  rmSync(cloud.plan.dataDir, { recursive: true, force: true })
}

export async function runLongJob(cloud: LocalCloud, out: TimelineOutput): Promise<ScenarioResult> {
  const { plan } = cloud
  const identityUrl = urlOf(plan, 'identity')
  const admin = await adminApi(identityUrl, cloud.secrets.admin)
  const projectId = await ensure(admin, 'projects', 'project', 'name=demo&domain_id=default', {
    name: 'demo',
    domain_id: 'default',
  })
  const userId = await ensure(admin, 'users', 'user', 'name=demo&domain_id=default', {
    name: 'demo',
    password: DEMO_PASSWORD,
    domain_id: 'default',
  })
  const member = await ensure(admin, 'roles', 'role', 'name=member', { name: 'member' })
  await admin('PUT', `/projects/${projectId}/users/${userId}/roles/${member}`)
  const serviceUsers = new Map<string, string>()
  for (const service of SERVICES) {
    const found = (await admin('GET', `/users?name=${SERVICE_FACTS[service].serviceUser}`))
      .users as Json[]
    if (found[0] !== undefined) serviceUsers.set(String(found[0].id), service)
  }
  const login = () => passwordLogin(identityUrl, 'demo', DEMO_PASSWORD, 'demo')

  // the image exists before the story starts
  const setup = await login()
  const imageUrl = urlOf(plan, 'image')
  const image = await call(`${imageUrl}/v2/images`, setup.token, {
    method: 'POST',
    json: { name: 'demo-image', disk_format: 'raw', container_format: 'bare' },
  })
  await call(`${imageUrl}/v2/images/${String(image.id)}/file`, setup.token, {
    method: 'PUT',
    body: randomBytes(IMAGE_BYTES),
  })

  const audit = new AuditTail(auditTrailPath(plan), serviceUsers)
  const user = await login()
  const timeline = new Timeline(out)
  timeline.event(`user "demo" gets a token that expires in ${DEMO_TOKEN_SECONDS} s`)
  const created = await call(`${urlOf(plan, 'compute')}/v2.1/servers`, user.token, {
    method: 'POST',
    json: {
      server: {
        name: 'long-job',
        flavorRef: '1',
        imageRef: '',
        block_device_mapping_v2: [
          {
            source_type: 'image',
            destination_type: 'volume',
            uuid: image.id,
            volume_size: 1,
            boot_index: 0,
          },
        ],
      },
    },
  })
  const serverId = String((created.server as Json).id)
  timeline.event(
    `POST /v2.1/servers -> 202: server ${serverId.slice(0, 8)} BUILD (the work goes on in the background)`,
  )

  let observer = await login()
  let expiredShown = false
  const deadline = Date.now() + 120_000
  let server: Json = {}
  const showEvents = () => {
    const events = audit.poll()
    if (!expiredShown && Date.now() >= user.expiresAt.getTime()) {
      expiredShown = true
      events.push({ time: user.expiresAt.getTime(), text: "the user's token has EXPIRED" })
    }
    for (const e of events.sort((a, b) => a.time - b.time)) timeline.eventAt(e.time, e.text)
  }
  // the demo watches as the user would, with tokens of its own: fresh ones, and a new one on a 401
  // (a 5 s token can expire between the check and the call on a busy machine)
  const observe = async (url: string): Promise<Json> => {
    if (observer.expiresAt.getTime() - Date.now() < 2000) observer = await login()
    try {
      return await call(url, observer.token)
    } catch (error) {
      if (!String(error).includes(': 401 ')) throw error
      observer = await login()
      return call(url, observer.token)
    }
  }
  while (Date.now() < deadline) {
    server = (await observe(`${urlOf(plan, 'compute')}/v2.1/servers/${serverId}`)).server as Json
    const volumes = (await observe(`${urlOf(plan, 'volume')}/v3/${projectId}/volumes/detail`))
      .volumes as Json[]
    // events first: they happened before the progress just read
    showEvents()
    const volume = volumes[0]
    const progress = volume?.['os-vol-baton:copy_progress'] as
      | { bytes_copied: number; bytes_total: number }
      | undefined
    if (progress !== undefined && progress.bytes_total > 0) {
      timeline.progress('volume <- image copy', progress.bytes_copied / progress.bytes_total)
    }
    if (server.status === 'ACTIVE' || server.status === 'ERROR') break
    await new Promise((r) => setTimeout(r, 250))
  }
  showEvents()
  const fault = (server.fault as Json | undefined)?.message
  timeline.event(
    `server ${serverId.slice(0, 8)} is ${String(server.status)}${fault === undefined ? '' : `: ${String(fault)}`}`,
  )
  timeline.end()
  return {
    status: String(server.status),
    fault: fault === undefined ? undefined : String(fault),
    expiredAcceptedBy: [...audit.acceptedExpired],
    delegationChains: audit.delegationChains,
    cloud,
  }
}
