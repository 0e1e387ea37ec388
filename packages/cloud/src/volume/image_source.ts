/**
 * Reading an image from the image service for the user (user token + this service's
 * X-Service-Token, through the kit's next hop): its record as JSON, its data as a stream.
 * @module
 */
import type { Delegation } from '../kit/delegation.ts'
import type { ServiceContext } from '../kit/service_context.ts'

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

/** The image data (or a byte range of it) as a stream; failures name the hop and the reason. */
export async function openImageData(
  ctx: ServiceContext,
  delegation: Delegation,
  imageId: string,
  signal: AbortSignal,
  /** An HTTP byte range (`bytes=a-b`) for a ranged copy; the whole image when absent. */
  range?: string,
): Promise<AsyncIterable<Uint8Array>> {
  const res = await ctx.next.stream(
    IMAGE,
    `/v2/images/${encodeURIComponent(imageId)}/file`,
    delegation,
    {
      headers: {
        Accept: 'application/octet-stream',
        ...(range === undefined ? {} : { Range: range }),
      },
      accept: (status) => status === 200 || status === 206,
      signal,
    },
  )
  return res.body
}
