/**
 * Nova's version discovery, answered without a token: `/` lists the one version, `/v2.1` shows it.
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
  app.get('/', async (request) => ({ versions: [versionDocument(baseUrl(ctx, request))] }))
  app.get('/v2.1', async (request) => ({ version: versionDocument(baseUrl(ctx, request)) }))
}
