/**
 * Version discovery (keystone/api/discovery.py): `GET /` answers 300 with the one v3 record and a
 * Location header; `GET /v3` answers 200. Both are unauthenticated and ignore X-Auth-Token.
 * @module
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'

/** keystone/version.py; the record's id and date are hard-coded upstream too. */
const V3_RECORD = { id: 'v3.14', status: 'stable', updated: '2020-04-07T00:00:00Z' } as const
const MEDIA_TYPES = [
  { base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' },
]

export function registerDiscovery(
  app: FastifyInstance,
  baseUrlOf: (request: FastifyRequest) => string,
): void {
  const record = (request: FastifyRequest) => ({
    ...V3_RECORD,
    links: [{ rel: 'self', href: `${baseUrlOf(request)}/v3/` }],
    'media-types': MEDIA_TYPES,
  })
  app.get('/', async (request, reply) => {
    const version = record(request)
    reply.code(300).header('Location', version.links[0]?.href)
    return { versions: { values: [version] } }
  })
  app.get('/v3', async (request) => ({ version: record(request) }))
}
