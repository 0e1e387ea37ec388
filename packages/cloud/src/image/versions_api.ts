/**
 * Glance's version discovery, answered without a token: `/` with 300 Multiple Choices, `/versions`
 * with 200.
 * @module
 */
import type { FastifyPluginAsync } from 'fastify'
import { baseUrl } from '../kit/request_values.ts'
import type { ServiceContext } from '../kit/service_context.ts'
import { versionsDocument } from './versions.ts'

export const versionsApi: FastifyPluginAsync<{ readonly ctx: ServiceContext }> = async (
  app,
  { ctx },
) => {
  app.get('/', async (request, reply) =>
    reply.code(300).send(versionsDocument(baseUrl(ctx, request))),
  )
  app.get('/versions', async (request) => versionsDocument(baseUrl(ctx, request)))
}
