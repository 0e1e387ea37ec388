/**
 * The volume API (Cinder v3 subset) under `/v3/{project_id}`: create (202, the copy runs as a job),
 * show, list and list detail (name/status filters, limit/marker), delete, and the `os-attach` /
 * `os-detach` actions, as one fastify plugin. The URL's project must be the token's; another
 * project's volume is not found.
 * @module
 */
import { randomUUID } from 'node:crypto'
import { rm } from 'node:fs/promises'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { BadRequest, NotFound } from '../kit/errors.ts'
import { baseUrl, queryOf } from '../kit/request_values.ts'
import type { ServiceContext } from '../kit/service_context.ts'
import { imageFacts, objectFacts } from '../services.ts'
import { volumeAction } from './actions.ts'
import { CREATE_JOB, volumePath } from './create_job.ts'
import { negotiate } from './microversion.ts'
import type { VolumeRow, VolumeStore } from './store.ts'
import { MAX_VERSION, MIN_VERSION, pageLinks, volumeDetail, volumeSummary } from './views.ts'

type Params = { project: string; id: string }
/** Cinder's default per-project gigabytes quota, as a per-volume bound (the files are sparse). */
const MAX_SIZE_GIB = 1000
export type VolumesDeps = { readonly ctx: ServiceContext; readonly store: VolumeStore }

export const volumesApi: FastifyPluginAsync<VolumesDeps> = async (app, { ctx, store }) => {
  const projectOf = (request: FastifyRequest, reply: FastifyReply): string => {
    negotiate(request, reply, { service: 'volume', min: MIN_VERSION, max: MAX_VERSION })
    const { project } = request.params as Params
    // cinder: a URL naming another project than the token's is malformed, whatever the user may do
    if (project !== ctx.identity(request).user?.projectId)
      throw new BadRequest('Malformed request url')
    return project
  }
  const find = (project: string, id: string): VolumeRow => {
    const volume = store.get(project, id)
    if (volume === undefined) throw new NotFound(`Volume ${id} could not be found.`)
    return volume
  }

  app.post('/v3/:project/volumes', async (request, reply) => {
    const project = projectOf(request, reply)
    const spec = parseCreate(request.body)
    const identity = ctx.identity(request)
    const id = randomUUID()
    // an image copy is a long operation: under [service_user] delegate it is bound to a delegation
    // for the image service and the object store behind it (narrowing the caller's, if delegated)
    const kept = ctx.delegation(request)
    const delegation =
      spec.imageId === null
        ? kept
        : await ctx.next.delegate(kept, {
            operation: `volume:create:${id}`,
            audience: [imageFacts.catalog.type, objectFacts.catalog.type],
          })
    const volume = store.create({
      id,
      project_id: project,
      user_id: identity.user?.userId ?? '',
      ...spec,
    })
    ctx.jobs.start(CREATE_JOB, volume.id, delegation)
    return reply.code(202).send({ volume: volumeDetail(baseUrl(ctx, request), volume) })
  })

  const list = (detail: boolean) => async (request: FastifyRequest, reply: FastifyReply) => {
    const project = projectOf(request, reply)
    const q = queryOf(request)
    const limit = parseLimit(q.limit)
    const page = store.list({
      projectId: project,
      name: q.name,
      status: q.status,
      limit,
      marker: q.marker,
    })
    if (page === undefined) throw new NotFound(`Marker ${q.marker} could not be found.`)
    const base = baseUrl(ctx, request)
    const filters: Record<string, string> = {}
    for (const key of ['name', 'status'] as const) if (q[key] !== undefined) filters[key] = q[key]
    const path = `/v3/${project}/volumes${detail ? '/detail' : ''}`
    return {
      volumes: page.map((v) => (detail ? volumeDetail(base, v) : volumeSummary(base, v))),
      ...pageLinks(base, path, filters, page, limit),
    }
  }
  app.get('/v3/:project/volumes', list(false))
  app.get('/v3/:project/volumes/detail', list(true))

  app.get('/v3/:project/volumes/:id', async (request, reply) => {
    const project = projectOf(request, reply)
    return {
      volume: volumeDetail(baseUrl(ctx, request), find(project, (request.params as Params).id)),
    }
  })

  app.delete('/v3/:project/volumes/:id', async (request, reply) => {
    const project = projectOf(request, reply)
    const volume = find(project, (request.params as Params).id)
    if (
      (volume.status !== 'available' && volume.status !== 'error') ||
      volume.attachment_id !== null
    ) {
      throw new BadRequest(
        `Invalid volume: Volume status must be available or error and must not be attached (volume ${volume.id} is ${volume.status}).`,
      )
    }
    store.delete(volume.id)
    await rm(volumePath(ctx.dataDir, volume.id), { force: true })
    return reply.code(202).send()
  })

  app.post('/v3/:project/volumes/:id/action', async (request, reply) => {
    const project = projectOf(request, reply)
    const volume = find(project, (request.params as Params).id)
    volumeAction(store, volume, request.body, ctx.clock.now)
    return reply.code(202).send()
  })
}

function parseLimit(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined
  if (!/^\d+$/.test(raw)) throw new BadRequest('limit param must be an integer')
  return Number(raw)
}

type CreateSpec = {
  name: string
  description: string | null
  size: number
  metadata: Record<string, string>
  imageId: string | null
}

function optionalString(body: Record<string, unknown>, key: string, max: number): string | null {
  const value = body[key]
  if (value === undefined || value === null) return null
  if (typeof value !== 'string' || value.length > max) {
    throw new BadRequest(
      `Invalid input for field/attribute ${key}: must be a string of at most ${max} characters.`,
    )
  }
  return value
}

function parseCreate(body: unknown): CreateSpec {
  const volume = (body as { volume?: unknown } | null)?.volume
  if (typeof volume !== 'object' || volume === null || Array.isArray(volume)) {
    throw new BadRequest("Missing required element 'volume' in request body.")
  }
  const v = volume as Record<string, unknown>
  for (const unsupported of [
    'snapshot_id',
    'source_volid',
    'backup_id',
    'consistencygroup_id',
    'group_id',
  ]) {
    if (v[unsupported] !== undefined && v[unsupported] !== null) {
      throw new BadRequest(
        `Invalid input received: ${unsupported} is not supported by Baton's volume service.`,
      )
    }
  }
  const size = typeof v.size === 'string' && /^\d+$/.test(v.size) ? Number(v.size) : v.size
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > MAX_SIZE_GIB) {
    throw new BadRequest(
      `Invalid input received: size must be an integer (GiB) between 1 and ${MAX_SIZE_GIB}.`,
    )
  }
  const metadata = v.metadata ?? {}
  if (
    typeof metadata !== 'object' ||
    metadata === null ||
    Array.isArray(metadata) ||
    Object.values(metadata).some((m) => typeof m !== 'string')
  ) {
    throw new BadRequest('Invalid input received: metadata must be an object of strings.')
  }
  const imageId = optionalString(v, 'imageRef', 255)
  if (imageId === '') throw new BadRequest('Invalid input received: imageRef must not be empty.')
  return {
    name: optionalString(v, 'name', 255) ?? '',
    description: optionalString(v, 'description', 255),
    size,
    metadata: metadata as Record<string, string>,
    imageId,
  }
}
