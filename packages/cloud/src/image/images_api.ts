/**
 * The Glance v2 image routes, as one fastify plugin (every route behind the token): create, upload (queued -> saving -> active, data streamed to the object
 * service), download (streamed back), list, show, delete. Uploads run inside the request, as in
 * Glance; a store that refuses leaves the image queued with the reason logged, never active.
 * @module
 */
import type { StreamResponse } from '@baton/client'
import { identityOf } from '@baton/middleware'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { CloudError, CloudErrorCode, Conflict, Forbidden } from '../kit/errors.ts'
import { baseUrl } from '../kit/request_values.ts'
import type { ServiceContext } from '../kit/service_context.ts'
import { listImages } from './listing.ts'
import { imageJson, parseCreate } from './model.ts'
import type { ObjectHop } from './object_hop.ts'
import { imageOptions } from './options.ts'
import { type ImageRepository, viewerOf } from './repository.ts'
import { imageSchema, imagesSchema } from './schemas.ts'

type IdParams = { id: string }

export type ImagesDeps = {
  readonly ctx: ServiceContext
  readonly repo: ImageRepository
  readonly hop: ObjectHop
}

export const imagesApi: FastifyPluginAsync<ImagesDeps> = async (app, { ctx, repo, hop }) => {
  const options = ctx.config.get(imageOptions)
  const viewer = (request: FastifyRequest) => viewerOf(ctx.identity(request))
  // the middleware answered 401 itself: wait for that answer instead of running the route
  // (fastify goes on after an async onRequest hook unless it returns the reply)
  app.addHook('onRequest', async (request, reply) =>
    identityOf(request) === undefined ? reply : undefined,
  )

  app.get('/v2/schemas/image', async () => imageSchema())
  app.get('/v2/schemas/images', async () => imagesSchema())

  app.post('/v2/images', async (request, reply) => {
    const who = viewer(request)
    const image = repo.create(parseCreate(request.body, who.projectId, who.admin))
    return reply
      .code(201)
      .header('location', `${baseUrl(ctx, request)}/v2/images/${image.id}`)
      .send(imageJson(image))
  })

  app.get('/v2/images', async (request) =>
    listImages(
      repo.allVisible(viewer(request)),
      request.query as Record<string, string>,
      viewer(request),
      {
        defaultLimit: options.limit_param_default,
        maxLimit: options.api_limit_max,
      },
    ),
  )

  app.get<{ Params: IdParams }>('/v2/images/:id', async (request) =>
    imageJson(repo.visible(request.params.id, viewer(request))),
  )

  app.delete<{ Params: IdParams }>('/v2/images/:id', async (request, reply) => {
    const image = repo.modifiable(request.params.id, viewer(request), 'delete')
    if (image.protected)
      throw new Forbidden(`Image ${image.id} is protected and cannot be deleted.`)
    // the data goes first: if the store refuses, the image (and the way to its data) stays
    if (image.size !== null) await hop.remove(image, ctx.delegation(request))
    repo.delete(image.id)
    return reply.code(204).send()
  })

  app.put<{ Params: IdParams }>('/v2/images/:id/file', async (request, reply) => {
    const image = repo.modifiable(request.params.id, viewer(request), 'upload data to')
    const type = String(request.headers['content-type'] ?? '')
      .split(';')[0]
      ?.trim()
      .toLowerCase()
    if (type !== 'application/octet-stream') {
      throw new CloudError(
        CloudErrorCode.BadRequest,
        415,
        'unsupportedMediaType',
        'Content-Type must be application/octet-stream',
      )
    }
    if (!repo.beginUpload(image.id)) {
      throw new Conflict(`Image status transition from ${image.status} to saving is not allowed`)
    }
    const delegation = ctx.delegation(request)
    let result: Awaited<ReturnType<ObjectHop['upload']>>
    try {
      result = await hop.upload(image, delegation, request.raw, options.image_size_cap)
    } catch (error) {
      repo.abandonUpload(image.id)
      const reason = error instanceof Error ? error.message : String(error)
      ctx.log(`upload of image ${image.id} not stored, image left queued: ${reason}`)
      throw error
    }
    if (!repo.finishUpload(image.id, result)) {
      // deleted while the data was arriving: the stored data belongs to no image
      await hop.remove(image, delegation).catch((error: unknown) => {
        ctx.log(
          `image ${image.id} deleted during upload; its data could not be removed: ${String(error)}`,
        )
      })
      throw new CloudError(
        CloudErrorCode.Conflict,
        410,
        'gone',
        `Image ${image.id} was deleted during upload`,
      )
    }
    return reply.code(204).send()
  })

  app.get<{ Params: IdParams }>('/v2/images/:id/file', async (request, reply) => {
    const image = repo.visible(request.params.id, viewer(request))
    if (image.status === 'deactivated' && !viewer(request).admin) {
      throw new Forbidden(
        'The requested image has been deactivated. Image data download is forbidden.',
      )
    }
    // Glance: an image without data answers 204
    if (image.status !== 'active' && image.status !== 'deactivated') return reply.code(204).send()
    const range = request.headers.range
    const res = await hop.download(image, ctx.delegation(request), range)
    return streamBack(reply, res, image.checksum)
  })
}

function streamBack(
  reply: FastifyReply,
  res: StreamResponse,
  checksum: string | null,
): FastifyReply {
  reply.code(res.status).header('content-type', 'application/octet-stream')
  for (const name of ['content-length', 'content-range']) {
    const value = res.header(name)
    if (value !== undefined) reply.header(name, value)
  }
  // Content-MD5 describes the whole image: only on a full answer (clients verify it)
  if (res.status === 200 && checksum !== null) reply.header('content-md5', checksum)
  return reply.send(res.body)
}
