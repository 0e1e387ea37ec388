/**
 * The compute API's microversion range and what every compute route does first: negotiate the
 * microversion (Nova's headers) and take the token's project.
 * @module
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { ServiceContext } from '../kit/service_context.ts'
import { negotiate } from '../volume/microversion.ts'
import { MAX_VERSION, MIN_VERSION } from './views.ts'

const RANGE = {
  service: 'compute',
  min: MIN_VERSION,
  max: MAX_VERSION,
  legacyHeader: 'x-openstack-nova-api-version',
}

export function negotiatedProject(
  ctx: ServiceContext,
  request: FastifyRequest,
  reply: FastifyReply,
): string {
  negotiate(request, reply, RANGE)
  return ctx.identity(request).user?.projectId ?? ''
}
