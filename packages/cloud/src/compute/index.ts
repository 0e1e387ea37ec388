/**
 * Baton's compute service (a Nova v2.1 subset, default port 8774, catalog type `compute` at
 * `/v2.1`): servers booted from a volume the volume service makes from an image, for the user, with
 * compute's service token alongside the user's, so a build that outlives the user's token still
 * finishes. Version discovery at `/` and `/v2.1` answers without a token.
 * @module
 */
import type { ServiceSpec } from '../kit/service_app.ts'
import { computeFacts } from '../services.ts'
import { BOOT_JOB, bootJob } from './boot_job.ts'
import { flavorsApi } from './flavors_api.ts'
import { computeOptions } from './options.ts'
import { serversApi } from './servers_api.ts'
import { COMPUTE_MIGRATIONS, ServerStore } from './store.ts'
import { versionsApi } from './versions_api.ts'
import { VolumeApi } from './volume_api.ts'

const VERSION_PATHS = new Set(['/', '/v2.1', '/v2.1/'])

export const computeService: ServiceSpec = {
  ...computeFacts,
  groups: [computeOptions],
  migrations: COMPUTE_MIGRATIONS,
  isPublic: (method, path) => (method === 'GET' || method === 'HEAD') && VERSION_PATHS.has(path),
  // the composition root: the store, the volume client and the job are built here, each API area
  // is a plugin
  register(app, ctx) {
    const now = () => new Date(ctx.clock.now()).toISOString()
    const store = new ServerStore(ctx.db, now)
    const volumes = new VolumeApi(ctx)
    const options = ctx.config.get(computeOptions)
    ctx.jobs.register(
      BOOT_JOB,
      bootJob({
        ctx,
        store,
        volumes,
        retries: options.block_device_allocate_retries,
        intervalMs: options.block_device_allocate_retries_interval * 1000,
        now,
      }),
    )
    app.register(versionsApi, { ctx })
    app.register(serversApi, { ctx, store, volumes })
    app.register(flavorsApi, { ctx })
  },
}

export { computeOptions } from './options.ts'
