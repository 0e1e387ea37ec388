/**
 * Account and container listings as Swift answers them: JSON (`format=json`) or one name per line,
 * `prefix` / `marker` / `end_marker` / `reverse` / `limit`, and `delimiter` rolling names up into
 * `subdir` entries; an empty plain-text listing is a 204.
 * @module
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import { NotFound } from '../kit/errors.ts'
import type { ObjectStore } from './store.ts'
import { listingLimit, listingTime, queryValue, wantsJson, xTimestamp } from './swift_http.ts'

type Limits = { readonly account: number; readonly container: number }

function filterOf(query: unknown) {
  return {
    prefix: queryValue(query, 'prefix'),
    marker: queryValue(query, 'marker'),
    endMarker: queryValue(query, 'end_marker'),
    reverse: ['true', 'yes', 'on', '1', 't', 'y'].includes(
      queryValue(query, 'reverse')?.toLowerCase() ?? '',
    ),
  }
}

function sendListing(
  request: FastifyRequest,
  reply: FastifyReply,
  json: boolean,
  entries: readonly { name: string; json: Record<string, unknown> }[],
): FastifyReply {
  if (request.method === 'HEAD') return reply.code(204).send()
  if (json) {
    return reply
      .code(200)
      .header('content-type', 'application/json; charset=utf-8')
      .send(JSON.stringify(entries.map((e) => e.json)))
  }
  if (entries.length === 0) return reply.code(204).send()
  return reply
    .code(200)
    .header('content-type', 'text/plain; charset=utf-8')
    .send(`${entries.map((e) => e.name).join('\n')}\n`)
}

export function accountListing(
  store: ObjectStore,
  limits: Limits,
  account: string,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const stats = store.accountStats(account)
  reply.headers({
    'x-account-container-count': String(stats.containers),
    'x-account-object-count': String(stats.objects),
    'x-account-bytes-used': String(stats.bytes),
  })
  const json = wantsJson(request.query, request.headers.accept)
  if (request.method === 'HEAD') return sendListing(request, reply, json, [])
  const limit = listingLimit(request.query, limits.account)
  const containers = store.containers(account, filterOf(request.query), limit)
  const entries = containers.map((c) => ({
    name: c.name,
    json: { name: c.name, count: c.count, bytes: c.bytes, last_modified: listingTime(c.createdMs) },
  }))
  return sendListing(request, reply, json, entries)
}

export function containerListing(
  store: ObjectStore,
  limits: Limits,
  account: string,
  container: string,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const info = store.container(account, container)
  if (info === undefined) throw new NotFound(`Container ${container} not found`)
  reply.headers({
    'x-container-object-count': String(info.count),
    'x-container-bytes-used': String(info.bytes),
    'x-timestamp': xTimestamp(info.createdMs),
    'x-put-timestamp': xTimestamp(info.createdMs),
    'x-storage-policy': 'Policy-0',
    ...info.meta,
  })
  const json = wantsJson(request.query, request.headers.accept)
  if (request.method === 'HEAD') return sendListing(request, reply, json, [])
  const limit = listingLimit(request.query, limits.container)
  const filter = filterOf(request.query)
  const prefix = filter.prefix ?? ''
  const delimiter = queryValue(request.query, 'delimiter') ?? ''
  const entries: { name: string; json: Record<string, unknown> }[] = []
  let lastSubdir: string | undefined
  for (const object of store.objects(account, container, filter)) {
    if (entries.length >= limit) break
    if (delimiter !== '') {
      const cut = object.name.indexOf(delimiter, prefix.length)
      if (cut >= 0) {
        const subdir = object.name.slice(0, cut + delimiter.length)
        // a page that ended on this subdir passes it back as the marker: do not repeat it
        if (subdir !== lastSubdir && subdir !== filter.marker) {
          entries.push({ name: subdir, json: { subdir } })
        }
        lastSubdir = subdir
        continue
      }
    }
    entries.push({
      name: object.name,
      json: {
        hash: object.etag,
        last_modified: listingTime(object.modifiedMs),
        bytes: object.size,
        name: object.name,
        content_type: object.contentType,
      },
    })
  }
  return sendListing(request, reply, json, entries)
}
