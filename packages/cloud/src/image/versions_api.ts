/**
 * Glance's version discovery, answered without a token: `/` with 300 Multiple Choices, `/versions`
 * with 200.
 * @module
 */
import type { FastifyPluginAsync } from 'fastify'
import { serviceDefaultOptions } from '../kit/options.ts'
import type { ServiceContext } from '../kit/service_app.ts'
import { baseUrl, versionsDocument } from './versions.ts'

export const versionsApi: FastifyPluginAsync<{ readonly ctx: ServiceContext }> = async (
  app,
  { ctx },
) => {
  const publicEndpoint = ctx.config.get(serviceDefaultOptions).public_endpoint
  app.get('/', async (request, reply) =>
    reply.code(300).send(versionsDocument(baseUrl(request, publicEndpoint))),
  )
  app.get('/versions', async (request) => versionsDocument(baseUrl(request, publicEndpoint)))
}
