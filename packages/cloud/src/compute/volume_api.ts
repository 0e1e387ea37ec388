/**
 * What compute asks of the volume service, for the user, through the kit's next hop (user token +
 * compute's service token, found in the catalog as `volumev3`): create a volume from an image, read
 * it, attach it to a server, detach it, delete it.
 * @module
 */
import type { Delegation } from '../kit/delegation.ts'
import { statusOf } from '../kit/hop_failure.ts'
import type { ServiceContext } from '../kit/service_context.ts'
import { volumeFacts } from '../services.ts'

const VOLUME = volumeFacts.catalog.type
const HEADERS = { 'OpenStack-API-Version': 'volume 3.0', Accept: 'application/json' }

export type VolumeView = {
  readonly id: string
  readonly status: string
  /** Why the volume went to error, as the volume service reports it. */
  readonly fault?: string
}

function viewOf(body: unknown): VolumeView {
  const v = (body as { volume?: Record<string, unknown> } | null)?.volume ?? {}
  const fault = (v['os-vol-baton:fault'] as { message?: unknown } | undefined)?.message
  return {
    id: String(v.id ?? ''),
    status: String(v.status ?? 'unknown'),
    ...(typeof fault === 'string' ? { fault } : {}),
  }
}

export class VolumeApi {
  readonly #ctx: ServiceContext

  constructor(ctx: ServiceContext) {
    this.#ctx = ctx
  }

  async create(d: Delegation, o: { size: number; imageId: string }): Promise<VolumeView> {
    const res = await this.#ctx.next.call(VOLUME, '/volumes', d, {
      method: 'POST',
      headers: HEADERS,
      // nova names boot volumes '' too
      json: { volume: { size: o.size, imageRef: o.imageId, name: '', description: '' } },
    })
    return viewOf(res.json())
  }

  /** Connection failures are retried (Nova's `[cinder] http_retries`): a restarting volume service is no reason to fail. */
  async get(d: Delegation, id: string): Promise<VolumeView> {
    const res = await this.#ctx.next.call(VOLUME, `/volumes/${id}`, d, {
      headers: HEADERS,
      connectRetries: 3,
    })
    return viewOf(res.json())
  }

  async attach(d: Delegation, id: string, serverId: string, device: string): Promise<void> {
    await this.#action(d, id, {
      'os-attach': { instance_uuid: serverId, mountpoint: device, mode: 'rw' },
    })
  }

  /** Detaches; a volume already gone or not attached is fine (deleting a server must not stick). */
  async detach(d: Delegation, id: string): Promise<void> {
    await tolerate([400, 404], () => this.#action(d, id, { 'os-detach': {} }))
  }

  /** Deletes; a volume already gone is fine. */
  async delete(d: Delegation, id: string): Promise<void> {
    await tolerate([404], () =>
      this.#ctx.next.call(VOLUME, `/volumes/${id}`, d, { method: 'DELETE', headers: HEADERS }),
    )
  }

  async #action(d: Delegation, id: string, body: unknown): Promise<void> {
    await this.#ctx.next.call(VOLUME, `/volumes/${id}/action`, d, {
      method: 'POST',
      headers: HEADERS,
      json: body,
    })
  }
}

async function tolerate(statuses: readonly number[], call: () => Promise<unknown>): Promise<void> {
  try {
    await call()
  } catch (error) {
    const status = statusOf(error)
    if (status === undefined || !statuses.includes(status)) throw error
  }
}
