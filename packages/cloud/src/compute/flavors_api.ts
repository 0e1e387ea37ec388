/**
 * The compute API's flavors (Nova v2.1 subset), as one fastify plugin: Baton's fixed flavors, listed,
 * shown, and their (empty) extra specs.
 * @module
 */
import type { FastifyPluginAsync } from 'fastify'
import { NotFound } from '../kit/errors.ts'
import { baseUrl } from '../kit/request_values.ts'
import type { ServiceContext } from '../kit/service_context.ts'
import { negotiatedProject as projectOf } from './api_version.ts'
import { FLAVORS, flavorDetail, flavorSummary } from './views.ts'

export const flavorsApi: FastifyPluginAsync<{ readonly ctx: ServiceContext }> = async (
  app,
  { ctx },
) => {
  app.get('/v2.1/flavors', async (request, reply) => {
    projectOf(ctx, request, reply)
    return { flavors: FLAVORS.map((f) => flavorSummary(baseUrl(ctx, request), f)) }
  })
  app.get('/v2.1/flavors/detail', async (request, reply) => {
    projectOf(ctx, request, reply)
    return { flavors: FLAVORS.map((f) => flavorDetail(baseUrl(ctx, request), f)) }
  })
  app.get('/v2.1/flavors/:id', async (request, reply) => {
    projectOf(ctx, request, reply)
    const { id } = request.params as { id: string }
    const flavor = FLAVORS.find((f) => f.id === id)
    if (flavor === undefined) throw new NotFound(`Flavor ${id} could not be found.`)
    return { flavor: flavorDetail(baseUrl(ctx, request), flavor) }
  })
  // novaclient reads them for `openstack flavor list`; Baton's flavors have none
  app.get('/v2.1/flavors/:id/os-extra_specs', async (request, reply) => {
    projectOf(ctx, request, reply)
    const { id } = request.params as { id: string }
    if (!FLAVORS.some((f) => f.id === id)) throw new NotFound(`Flavor ${id} could not be found.`)
    return { extra_specs: {} }
  })
}
