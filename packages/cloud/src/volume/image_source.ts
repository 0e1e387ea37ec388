/**
 * Reading an image from the image service for the user: its record through the kit's next hop, its
 * data as a stream. Baton's client buffers bodies as text, so the download goes through global fetch
 * with the same headers the hop's session would send (user token + this service's X-Service-Token),
 * the same single re-authenticated retry on 401, the same audit line and the same hop-naming errors.
 * @module
 */
import { HttpError } from '@baton/client'
import type { Delegation } from '../kit/delegation.ts'
import { UpstreamFailure } from '../kit/errors.ts'
import type { ServiceContext } from '../kit/service_app.ts'
import { shortBody } from './hop_failure.ts'

const IMAGE = 'image'

export type ImageRecord = {
  readonly id: string
  readonly name: string
  readonly status: string
  readonly size: number | null
  /** What Cinder copies into `volume_image_metadata` (all values strings, as Cinder stores them). */
  readonly metadata: Readonly<Record<string, string>>
}

export async function imageRecord(
  ctx: ServiceContext,
  delegation: Delegation,
  imageId: string,
): Promise<ImageRecord> {
  const res = await ctx.next.call(IMAGE, `/v2/images/${encodeURIComponent(imageId)}`, delegation)
  const body = res.json() as Record<string, unknown>
  const size = typeof body.size === 'number' ? body.size : null
  const metadata: Record<string, string> = { image_id: imageId }
  for (const key of [
    'name',
    'disk_format',
    'container_format',
    'checksum',
    'min_disk',
    'min_ram',
    'size',
  ]) {
    const value = body[key]
    if (value !== undefined && value !== null)
      metadata[key === 'name' ? 'image_name' : key] = String(value)
  }
  return {
    id: imageId,
    name: typeof body.name === 'string' ? body.name : '',
    status: typeof body.status === 'string' ? body.status : 'unknown',
    size,
    metadata,
  }
}

/** The image data as a byte stream; failures are UpstreamFailure naming the hop and the reason. */
export async function openImageData(
  ctx: ServiceContext,
  delegation: Delegation,
  imageId: string,
  signal: AbortSignal,
  /** An HTTP byte range (`bytes=a-b`) for a ranged copy; the whole image when absent. */
  range?: string,
): Promise<AsyncIterable<Uint8Array>> {
  const path = `/v2/images/${encodeURIComponent(imageId)}/file`
  const url = `${await ctx.next.endpoint(IMAGE, delegation)}${path}`
  const session = ctx.next.session(delegation)
  const entry = {
    service: ctx.name,
    direction: 'sent' as const,
    request_id: delegation.requestId,
    method: 'GET',
    path,
    user_id: delegation.userId,
    project_id: delegation.projectId,
    target: IMAGE,
    service_token_sent: ctx.serviceAuth !== null,
  }
  const fail = (status: number, reason: string, cause?: unknown): never => {
    const detail = `${ctx.name} -> ${IMAGE} GET ${path}: ${reason}`
    ctx.audit.write({ ...entry, status, outcome: 'error', detail })
    throw new UpstreamFailure(detail, { cause })
  }
  const send = async (): Promise<{ res: Response; secrets: string[] }> => {
    const auth = (await session.auth?.getHeaders(session)) ?? {}
    const res = await fetch(url, {
      headers: {
        ...auth,
        Accept: 'application/octet-stream',
        'X-OpenStack-Request-ID': delegation.requestId,
        ...(range === undefined ? {} : { Range: range }),
      },
      signal,
    })
    return { res, secrets: Object.values(auth) }
  }
  let sent: Awaited<ReturnType<typeof send>>
  try {
    sent = await send()
    // keystoneauth: on 401, drop what can be renewed (our service token) and resend once
    if (sent.res.status === 401 && session.auth?.invalidate() === true) {
      await sent.res.body?.cancel()
      sent = await send()
    }
  } catch (error) {
    if (signal.aborted) throw error
    return fail(0, error instanceof Error ? error.message : String(error), error)
  }
  const { res, secrets } = sent
  if (res.status >= 400 || res.body === null) {
    const body = shortBody(await res.text(), secrets)
    const cause = new HttpError({ status: res.status, method: 'GET', url, body })
    return fail(res.status, `${res.status} ${body}`.trim(), cause)
  }
  ctx.audit.write({ ...entry, status: res.status, outcome: 'ok' })
  return res.body
}
