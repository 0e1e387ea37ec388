/**
 * Cinder's version discovery, answered without a token: the root with 300 Multiple Choices and
 * `/v3/` with the one version.
 * @module
 */
import type { FastifyPluginAsync } from 'fastify'
import { baseUrl } from '../kit/request_values.ts'
import type { ServiceContext } from '../kit/service_context.ts'
import { versionDocument } from './views.ts'

export const versionsApi: FastifyPluginAsync<{ readonly ctx: ServiceContext }> = async (
  app,
  { ctx },
) => {
  app.get('/', async (request, reply) =>
    reply.code(300).send({ versions: [versionDocument(baseUrl(ctx, request))] }),
  )
  app.get('/v3', async (request) => ({ versions: [versionDocument(baseUrl(ctx, request))] }))
}
