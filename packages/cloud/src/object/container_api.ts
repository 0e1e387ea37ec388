/**
 * The Swift container area (`/v1/<account>/<container>`): the object listing, create (201, or 202
 * when it existed), metadata updates, and delete (only when empty).
 * @module
 */
import { Conflict, NotFound } from '../kit/errors.ts'
import { type LevelApi, listLimits, type SwiftDeps } from './levels.ts'
import { containerListing } from './listing.ts'
import { metaHeaders } from './swift_http.ts'

export function containerApi({ store, limits }: SwiftDeps): LevelApi {
  const list = listLimits(limits)
  const read: LevelApi['GET'] = async (request, reply, t) =>
    containerListing(store, list, t.account, t.container ?? '', request, reply)
  return {
    GET: read,
    HEAD: read,
    PUT: async (request, reply, t) => {
      const created = store.putContainer(
        t.account,
        t.container ?? '',
        metaHeaders(request.headers, 'container'),
      )
      return reply
        .code(created ? 201 : 202)
        .header('content-type', 'text/html; charset=UTF-8')
        .send('')
    },
    POST: async (request, reply, t) => {
      store.postContainer(t.account, t.container ?? '', metaHeaders(request.headers, 'container'))
      return reply.code(204).send()
    },
    DELETE: async (_request, reply, t) => {
      const outcome = store.deleteContainer(t.account, t.container ?? '')
      if (outcome === 'missing') throw new NotFound('The resource could not be found.')
      if (outcome === 'not_empty') {
        throw new Conflict('There was a conflict when trying to complete your request.')
      }
      return reply.code(204).send()
    },
  }
}
