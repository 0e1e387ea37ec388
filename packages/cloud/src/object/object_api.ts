/**
 * The Swift object area (`/v1/<account>/<container>/<object>`): bodies streamed from and to disk
 * (ranges, conditional requests, HEAD), uploads with a length or chunked and checked against
 * `max_file_size` and the client's ETag, metadata updates and delete.
 * @module
 */
import type { FileHandle } from 'node:fs/promises'
import { open } from 'node:fs/promises'
import { CloudError, CloudErrorCode, NotFound, TooLarge } from '../kit/errors.ts'
import { headerValue, type LevelApi, type LevelHandler, type SwiftDeps } from './levels.ts'
import { type ObjectInfo, UploadAborted } from './store.ts'
import {
  checkConditions,
  metaHeaders,
  objectHeaders,
  parseRange,
  preconditionFailed,
  type Target,
} from './swift_http.ts'

export function objectApi({ ctx, store, limits }: SwiftDeps): LevelApi {
  const existingObject = (t: Target): ObjectInfo => {
    const found = store.object(t.account, t.container ?? '', t.object ?? '')
    if (found === undefined) throw new NotFound('The resource could not be found.')
    return found
  }

  const read: LevelHandler = async (request, reply, t) => {
    let object = existingObject(t)
    reply.headers(objectHeaders(object))
    if (checkConditions(request.headers, object.etag) === 'not_modified')
      return reply.code(304).send()
    if (request.method === 'HEAD') {
      return reply.code(200).header('content-length', String(object.size)).send()
    }
    let handle: FileHandle
    try {
      handle = await open(store.filePath(object), 'r')
    } catch {
      // replaced or deleted between the row and the open: the current row decides
      object = existingObject(t)
      reply.headers(objectHeaders(object))
      handle = await open(store.filePath(object), 'r')
    }
    let range: ReturnType<typeof parseRange>
    try {
      range = parseRange(headerValue(request, 'range'), object.size)
    } catch (error) {
      await handle.close()
      throw error
    }
    if (range === null) {
      reply.code(200).header('content-length', String(object.size))
      return reply.send(handle.createReadStream())
    }
    reply
      .code(206)
      .header('content-range', `bytes ${range.start}-${range.end}/${object.size}`)
      .header('content-length', String(range.end - range.start + 1))
    return reply.send(handle.createReadStream({ start: range.start, end: range.end }))
  }

  const put: LevelHandler = async (request, reply, t) => {
    const container = t.container ?? ''
    const name = t.object ?? ''
    const length = headerValue(request, 'content-length')
    const chunked =
      headerValue(request, 'transfer-encoding')?.toLowerCase().includes('chunked') ?? false
    if (length === undefined && !chunked) {
      throw new CloudError(
        CloudErrorCode.BadRequest,
        411,
        'lengthRequired',
        'Missing Content-Length or Transfer-Encoding',
      )
    }
    const expectedLength = length === undefined ? undefined : Number(length)
    if (
      expectedLength !== undefined &&
      !(Number.isSafeInteger(expectedLength) && expectedLength >= 0)
    ) {
      throw new CloudError(CloudErrorCode.BadRequest, 400, 'badRequest', 'Invalid Content-Length')
    }
    if (expectedLength !== undefined && expectedLength > limits.max_file_size) {
      throw new TooLarge('Your request is too large.')
    }
    if (headerValue(request, 'if-none-match') === '*' && store.object(t.account, container, name)) {
      throw preconditionFailed('Precondition Failed')
    }
    let info: ObjectInfo
    try {
      info = await store.putObject(t.account, container, name, request.raw, {
        contentType: headerValue(request, 'content-type') ?? 'application/octet-stream',
        meta: metaHeaders(request.headers, 'object'),
        expectedLength,
        expectedEtag: headerValue(request, 'etag'),
        maxSize: limits.max_file_size,
      })
    } catch (error) {
      if (!(error instanceof UploadAborted)) throw error
      ctx.log(`PUT ${t.account}/${container}: upload not stored: ${error.message}`)
      throw new CloudError(CloudErrorCode.BadRequest, 499, 'clientDisconnect', 'Client Disconnect')
    }
    return reply
      .code(201)
      .headers({ etag: info.etag, 'last-modified': new Date(info.modifiedMs).toUTCString() })
      .header('content-type', 'text/html; charset=UTF-8')
      .send('')
  }

  return {
    GET: read,
    HEAD: read,
    PUT: put,
    POST: async (request, reply, t) => {
      store.postObject(
        t.account,
        t.container ?? '',
        t.object ?? '',
        metaHeaders(request.headers, 'object'),
        headerValue(request, 'content-type'),
      )
      return reply.code(202).header('content-type', 'text/html; charset=UTF-8').send('')
    },
    DELETE: async (_request, reply, t) => {
      if (!store.deleteObject(t.account, t.container ?? '', t.object ?? '')) {
        throw new NotFound('The resource could not be found.')
      }
      return reply.code(204).send()
    },
  }
}
