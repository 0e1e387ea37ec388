/**
 * Baton's volume service (a Cinder v3 subset, default port 8776, catalog type `volumev3` at
 * `/v3/%(project_id)s`): volumes as files under `<data_dir>/volumes`, created from images streamed
 * from the image service with the user's token plus this service's service token, attachable to
 * servers. Version discovery at `/` and `/v3/` answers without a token.
 * @module
 */
import type { ServiceSpec } from '../kit/service_app.ts'
import { volumeFacts } from '../services.ts'
import { CREATE_JOB, createJob } from './create_job.ts'
import { volumeOptions } from './options.ts'
import { VOLUME_MIGRATIONS, VolumeStore } from './store.ts'
import { versionsApi } from './versions_api.ts'
import { volumesApi } from './volumes_api.ts'

const VERSION_PATHS = new Set(['/', '/v3', '/v3/'])

export const volumeService: ServiceSpec = {
  ...volumeFacts,
  groups: [volumeOptions],
  migrations: VOLUME_MIGRATIONS,
  isPublic: (method, path) => (method === 'GET' || method === 'HEAD') && VERSION_PATHS.has(path),
  // the composition root: the store and the job are built here, each API area is a plugin
  register(app, ctx) {
    const now = () => new Date(ctx.clock.now()).toISOString()
    const store = new VolumeStore(ctx.db, now)
    const { copy_bytes_per_second: bytesPerSecond, copy_chunk_bytes: chunkBytes } =
      ctx.config.get(volumeOptions)
    ctx.jobs.register(CREATE_JOB, createJob({ ctx, store, bytesPerSecond, chunkBytes, now }))
    app.register(versionsApi, { ctx })
    app.register(volumesApi, { ctx, store })
  },
}

export { volumeOptions } from './options.ts'
