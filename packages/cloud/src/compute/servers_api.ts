/**
 * The compute API's servers (Nova v2.1 subset), as one fastify plugin: boot a server from a volume
 * made from an image (202, BUILD, the work runs as a job), show, list and list detail (name/status
 * filters, limit/marker), delete (detaches, and deletes the volume when delete_on_termination).
 * @module
 */
import { randomUUID } from 'node:crypto'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { BadRequest, NotFound } from '../kit/errors.ts'
import { statusOf } from '../kit/hop_failure.ts'
import { baseUrl, queryOf } from '../kit/request_values.ts'
import type { ServiceContext } from '../kit/service_context.ts'
import { imageFacts, objectFacts, volumeFacts } from '../services.ts'
import { negotiatedProject } from './api_version.ts'
import { BOOT_JOB } from './boot_job.ts'
import { parseCreateServer } from './server_request.ts'
import type { ServerRow, ServerStore } from './store.ts'
import { createdServer, FLAVORS, pageLinks, serverDetail, serverSummary } from './views.ts'
import type { VolumeApi } from './volume_api.ts'

export type ServersDeps = {
  readonly ctx: ServiceContext
  readonly store: ServerStore
  readonly volumes: VolumeApi
}

export const serversApi: FastifyPluginAsync<ServersDeps> = async (app, { ctx, store, volumes }) => {
  const projectOf = (request: FastifyRequest, reply: FastifyReply): string =>
    negotiatedProject(ctx, request, reply)
  const find = (project: string, id: string): ServerRow => {
    const server = store.get(project, id)
    if (server === undefined) throw new NotFound(`Instance ${id} could not be found.`)
    return server
  }

  app.post('/v2.1/servers', async (request, reply) => {
    const project = projectOf(request, reply)
    const spec = parseCreateServer(request.body, new Set(FLAVORS.map((f) => f.id)))
    const id = randomUUID()
    // booting from volume is a long operation: under [service_user] delegate it is bound to a
    // delegation for every service the build reaches (volume, and the image and object store
    // behind its copy), obtained while the user's token is still valid
    const delegation = await ctx.next.delegate(ctx.delegation(request), {
      operation: `compute:boot:${id}`,
      audience: [volumeFacts.catalog.type, imageFacts.catalog.type, objectFacts.catalog.type],
    })
    const server = store.create({
      id,
      project_id: project,
      user_id: ctx.identity(request).user?.userId ?? '',
      ...spec,
    })
    ctx.jobs.start(BOOT_JOB, server.id, delegation)
    const base = baseUrl(ctx, request)
    return reply
      .code(202)
      .header('Location', `${base}/v2.1/servers/${server.id}`)
      .send({ server: createdServer(base, server) })
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
    if (page === undefined) throw new BadRequest(`marker [${q.marker}] not found`)
    const base = baseUrl(ctx, request)
    const filters: Record<string, string> = {}
    for (const key of ['name', 'status'] as const) if (q[key] !== undefined) filters[key] = q[key]
    return {
      servers: page.map((s) => (detail ? serverDetail(base, s) : serverSummary(base, s))),
      ...pageLinks(base, `/v2.1/servers${detail ? '/detail' : ''}`, filters, page, limit),
    }
  }
  app.get('/v2.1/servers', list(false))
  app.get('/v2.1/servers/detail', list(true))

  app.get('/v2.1/servers/:id', async (request, reply) => {
    const project = projectOf(request, reply)
    return {
      server: serverDetail(
        baseUrl(ctx, request),
        find(project, (request.params as { id: string }).id),
      ),
    }
  })

  app.delete('/v2.1/servers/:id', async (request, reply) => {
    const project = projectOf(request, reply)
    const server = find(project, (request.params as { id: string }).id)
    // a build still running cleans up after itself once its volume settles; otherwise the volume is
    // released first, so a failing volume service leaves the server (and its volume) in place
    if (server.status !== 'BUILD' && server.volume_id !== null) {
      const d = ctx.delegation(request)
      await volumes.detach(d, server.volume_id)
      if (server.delete_on_termination === 1) {
        // as Nova: a volume the volume service will not delete yet (still copying) stays behind
        try {
          await volumes.delete(d, server.volume_id)
        } catch (error) {
          if (statusOf(error) !== 400) throw error
          ctx.log(
            `server ${server.id}: its volume ${server.volume_id} was kept: ${(error as Error).message}`,
          )
        }
      }
    }
    store.markDeleted(server.id)
    return reply.code(204).send()
  })
}

function parseLimit(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined
  if (!/^\d+$/.test(raw)) throw new BadRequest('limit param must be an integer')
  return Number(raw)
}
