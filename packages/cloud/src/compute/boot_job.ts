/**
 * The background half of `POST /servers` (Nova's boot from volume): ask the volume service for a
 * volume made from the image, check on it until it is available (Nova's
 * block_device_allocate_retries), attach it, and the server is ACTIVE. Any failing hop makes the
 * server ERROR with a fault naming the hop and its answer. Resumed after a restart, the job carries
 * on from the volume it already asked for. A server deleted mid-build is cleaned up here.
 * @module
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { Delegation } from '../kit/delegation.ts'
import { Conflict } from '../kit/errors.ts'
import { failureReason } from '../kit/hop_failure.ts'
import type { JobHandler } from '../kit/jobs.ts'
import type { ServiceContext } from '../kit/service_context.ts'
import type { ServerRow, ServerStore } from './store.ts'
import type { VolumeApi, VolumeView } from './volume_api.ts'

export const BOOT_JOB = 'compute.boot'
export const BOOT_DEVICE = '/dev/vda'
const SETTLING = new Set(['creating', 'downloading'])

export type BootJobDeps = {
  readonly ctx: ServiceContext
  readonly store: ServerStore
  readonly volumes: VolumeApi
  readonly retries: number
  readonly intervalMs: number
  readonly now: () => string
}

export function bootJob(deps: BootJobDeps): JobHandler {
  const { ctx, store, volumes } = deps
  return async (job, _progress, signal) => {
    const server = store.byId(job.resourceId)
    if (server === undefined || server.status !== 'BUILD') return
    if (job.resumed) ctx.log(`server ${server.id}: resuming its build after a restart`)
    const d = job.delegation
    try {
      let volumeId = server.volume_id
      if (volumeId === null) {
        if (server.deleted_at !== null) return
        store.update(server.id, { task_state: 'block_device_mapping' })
        volumeId = (
          await volumes.create(d, { size: server.volume_size, imageId: server.boot_image_id })
        ).id
        store.update(server.id, { volume_id: volumeId })
      }
      const volume = await waitForVolume(deps, server.id, volumeId, d, signal)
      if (store.byId(server.id)?.deleted_at !== null)
        return await cleanUp(deps, server, volumeId, d)
      if (volume.status !== 'available') {
        const why = volume.fault === undefined ? '' : `: ${volume.fault}`
        throw new Conflict(
          `Volume ${volumeId} did not finish being created; its status is ${volume.status}${why}`,
        )
      }
      store.update(server.id, { task_state: 'spawning' })
      await volumes.attach(d, volumeId, server.id, BOOT_DEVICE)
      const active = store.finishBuild(server.id, {
        status: 'ACTIVE',
        task_state: null,
        launched_at: deps.now(),
      })
      // deleted while attaching: undo what this build made
      if (!active) await cleanUp(deps, server, volumeId, d)
    } catch (error) {
      if (signal.aborted) throw error // shutdown: the job stays running and resumes at the next start
      const reason = failureReason(error, {
        sendsServiceToken: ctx.serviceAuth !== null,
        delegates: ctx.next.delegates,
      })
      store.finishBuild(server.id, {
        status: 'ERROR',
        task_state: null,
        fault_code: 500,
        fault_message: `Build of instance ${server.id} aborted: ${reason}`,
        fault_created: deps.now(),
      })
      throw error
    }
  }
}

/** Polls until the volume is no longer being created; gives up after the configured retries. */
async function waitForVolume(
  deps: BootJobDeps,
  serverId: string,
  volumeId: string,
  d: Delegation,
  signal: AbortSignal,
): Promise<VolumeView> {
  const attempts = deps.retries + 1
  for (let attempt = 1; ; attempt++) {
    const volume = await deps.volumes.get(d, volumeId)
    if (!SETTLING.has(volume.status)) return volume
    // a deleted server's volume is only cleaned up once it settles, whatever the retries say
    const deleted = deps.store.byId(serverId)?.deleted_at !== null
    if (attempt >= attempts && !deleted) {
      const waited = Math.round((deps.retries * deps.intervalMs) / 1000)
      throw new Conflict(
        `Volume ${volumeId} did not finish being created even after we waited ${waited} seconds or ` +
          `${attempt} attempts. And its status is ${volume.status}.`,
      )
    }
    await sleep(deps.intervalMs, undefined, { signal })
  }
}

/** A server deleted during its build: detach and (delete_on_termination) delete its volume. */
async function cleanUp(
  deps: BootJobDeps,
  server: ServerRow,
  volumeId: string,
  d: Delegation,
): Promise<void> {
  await deps.volumes.detach(d, volumeId)
  if (server.delete_on_termination === 1) await deps.volumes.delete(d, volumeId)
}
