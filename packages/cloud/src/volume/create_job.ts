/**
 * The background half of `POST /volumes`: an empty volume is a sparse file of its size; a volume from
 * an image checks the image (active, not larger than the volume), then streams its data from the
 * image service into `<data_dir>/volumes/<id>` at `copy_bytes_per_second`, recording progress.
 * A job resumed after a restart copies again from zero; any failure puts the volume in error with
 * the reason (which hop, what it answered).
 * @module
 */
import { mkdir, open, truncate } from 'node:fs/promises'
import { join } from 'node:path'
import type { Delegation } from '../kit/delegation.ts'
import { CloudError, Conflict, TooLarge, UpstreamFailure } from '../kit/errors.ts'
import { failureReason } from '../kit/hop_failure.ts'
import type { Job, JobHandler } from '../kit/jobs.ts'
import type { ServiceContext } from '../kit/service_context.ts'
import { imageRecord, openImageData } from './image_source.ts'
import type { VolumeRow, VolumeStore } from './store.ts'
import { throttled } from './throttle.ts'

export const CREATE_JOB = 'volume.create'
const GiB = 1024 ** 3
/** How often copy progress is written to the database (wall clock). */
const PROGRESS_EVERY_MS = 200

export type CreateJobDeps = {
  readonly ctx: ServiceContext
  readonly store: VolumeStore
  readonly bytesPerSecond: number
  /** `copy_chunk_bytes`: > 0 fetches the image in ranged requests of this size. */
  readonly chunkBytes: number
  readonly now: () => string
}

export function volumePath(dataDir: string, id: string): string {
  return join(dataDir, 'volumes', id)
}

export function createJob(deps: CreateJobDeps): JobHandler {
  const { ctx, store } = deps
  return async (job, _progress, signal) => {
    const volume = store.byId(job.resourceId)
    // deleted meanwhile, or a previous run finished it before the job row was closed
    if (volume === undefined || volume.status === 'available' || volume.status === 'error') return
    if (job.resumed)
      ctx.log(
        `volume ${volume.id}: resuming creation after a restart (a copy starts again from zero)`,
      )
    try {
      await mkdir(join(ctx.dataDir, 'volumes'), { recursive: true, mode: 0o700 })
      if (volume.image_id === null) {
        await writeEmpty(volumePath(ctx.dataDir, volume.id), volume.size)
      } else {
        await copyImage(deps, job, volume, volume.image_id, signal)
      }
      store.transition(volume.id, ['creating', 'downloading'], { status: 'available' })
    } catch (error) {
      if (signal.aborted) throw error // shutdown: the job stays running and resumes at the next start
      const reason = failureReason(error, {
        sendsServiceToken: ctx.serviceAuth !== null,
        delegates: ctx.next.delegates,
      })
      store.update(volume.id, { status: 'error', fault_message: reason, fault_at: deps.now() })
      throw error
    }
  }
}

async function writeEmpty(path: string, sizeGiB: number): Promise<void> {
  const file = await open(path, 'w', 0o600)
  await file.close()
  await truncate(path, sizeGiB * GiB)
}

async function copyImage(
  deps: CreateJobDeps,
  job: Job,
  volume: VolumeRow,
  imageId: string,
  signal: AbortSignal,
): Promise<void> {
  const { ctx, store } = deps
  const delegation: Delegation = job.delegation
  const image = await imageRecord(ctx, delegation, imageId)
  if (image.status !== 'active') {
    throw new Conflict(
      `Image ${imageId} is not active (status ${image.status}): it has no data to copy yet`,
    )
  }
  const limit = volume.size * GiB
  if (image.size !== null && image.size > limit) {
    throw new TooLarge(
      `Image ${imageId} is ${image.size} bytes, larger than the ${volume.size} GiB volume`,
    )
  }
  store.update(volume.id, {
    status: 'downloading',
    image_metadata: JSON.stringify(image.metadata),
    bytes_copied: 0,
    bytes_total: image.size ?? 0,
    fault_message: null,
    fault_at: null,
  })
  const path = volumePath(ctx.dataDir, volume.id)
  const file = await open(path, 'w', 0o600)
  let copied = 0
  let reported = performance.now()
  try {
    for (const range of byteRanges(image.size, deps.chunkBytes)) {
      const data = await openImageData(ctx, delegation, imageId, signal, range)
      for await (const piece of throttled(data, deps.bytesPerSecond, signal)) {
        if (copied + piece.length > limit) {
          throw new TooLarge(`Image ${imageId} sent more than the ${volume.size} GiB volume holds`)
        }
        await file.write(piece)
        copied += piece.length
        if (performance.now() - reported >= PROGRESS_EVERY_MS) {
          reported = performance.now()
          store.update(volume.id, { bytes_copied: copied })
        }
      }
    }
  } catch (error) {
    if (signal.aborted || error instanceof CloudError) throw error
    const why = error instanceof Error ? error.message : String(error)
    throw new UpstreamFailure(
      `${ctx.name} -> image GET /v2/images/${imageId}/file: the data stream broke after ${copied} bytes: ${why}`,
      { cause: error },
    )
  } finally {
    await file.close()
  }
  if (image.size !== null && copied !== image.size) {
    throw new Conflict(`Image ${imageId} data ended after ${copied} of ${image.size} bytes`)
  }
  store.update(volume.id, { bytes_copied: copied, bytes_total: copied })
  // the rest of the volume reads as zeros, as a fresh block device would
  await truncate(path, limit)
}

/** One whole-image request, or `bytes=a-b` ranges of `chunk` bytes when the size is known. */
function* byteRanges(size: number | null, chunk: number): Generator<string | undefined> {
  if (chunk <= 0 || size === null) {
    yield undefined
    return
  }
  for (let offset = 0; offset < size; offset += chunk) {
    yield `bytes=${offset}-${Math.min(offset + chunk, size) - 1}`
  }
}
