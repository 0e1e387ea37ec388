/**
 * The Swift API routes under `/v1/AUTH_<project>`: the account is the token's project (a token
 * scoped elsewhere gets 403 unless it holds the admin role), containers and objects on local disk,
 * object bodies streamed in and out, errors as Swift's HTML pages.
 * @module
 */
import type { FileHandle } from 'node:fs/promises'
import { open } from 'node:fs/promises'
import { identityOf } from '@baton/middleware'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import {
  CloudError,
  CloudErrorCode,
  Conflict,
  Forbidden,
  NotFound,
  TooLarge,
} from '../kit/errors.ts'
import type { ServiceContext } from '../kit/service_app.ts'
import { accountListing, containerListing } from './listing.ts'
import { swiftConstraints } from './options.ts'
import { checkName, type ObjectInfo, type ObjectStore, UploadAborted } from './store.ts'
import {
  checkConditions,
  metaHeaders,
  methodNotAllowed,
  objectHeaders,
  parseRange,
  parseTarget,
  preconditionFailed,
  RangeNotSatisfiable,
  swiftErrorBody,
  type Target,
} from './swift_http.ts'

export function registerObjectRoutes(
  app: FastifyInstance,
  ctx: ServiceContext,
  store: ObjectStore,
): void {
  const limits = ctx.config.get(swiftConstraints)
  const listLimits = {
    account: limits.account_listing_limit,
    container: limits.container_listing_limit,
  }

  /** Parses the path and checks the token may use this account. */
  const targetOf = (request: FastifyRequest): Target => {
    const target = parseTarget(request.url)
    const user = ctx.identity(request).user
    const project = target.account.startsWith('AUTH_') ? target.account.slice(5) : undefined
    const owner = project !== undefined && project !== '' && user?.projectId === project
    if (!owner && !(user?.roleNames.includes('admin') ?? false)) {
      throw new Forbidden('Access was denied to this resource.')
    }
    if (target.container !== undefined) {
      checkName('container', target.container, limits.max_container_name_length)
    }
    if (target.object !== undefined)
      checkName('object', target.object, limits.max_object_name_length)
    return target
  }

  const existingObject = (t: Target): ObjectInfo => {
    const found = store.object(t.account, t.container ?? '', t.object ?? '')
    if (found === undefined) throw new NotFound('The resource could not be found.')
    return found
  }

  const sendObject = async (request: FastifyRequest, reply: FastifyReply, t: Target) => {
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

  const putObject = async (request: FastifyRequest, reply: FastifyReply, t: Target) => {
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

  app.register(async (scope) => {
    // every body here is data to store, whatever its content type: never parse, never buffer
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload))
    // the middleware answered 401 itself: wait for that answer instead of running the route
    // (fastify goes on after an async onRequest hook unless it returns the reply)
    scope.addHook('onRequest', async (request, reply) =>
      identityOf(request) === undefined ? reply : undefined,
    )
    scope.addHook('onSend', async (request, reply, payload) => {
      reply.header('x-trans-id', String(request.id))
      return payload
    })
    scope.setErrorHandler(async (error, request, reply) => {
      let status = 500
      let message = 'An error occurred'
      if (error instanceof CloudError) {
        status = error.status
        message = error.message
      } else {
        const code = (error as { statusCode?: unknown }).statusCode
        const text = error instanceof Error ? error.message : String(error)
        if (typeof code === 'number' && code >= 400 && code < 500) {
          status = code
          message = text
        } else {
          ctx.log(`unexpected error on ${request.method} ${request.url.split('?')[0]}: ${text}`)
        }
      }
      if (error instanceof RangeNotSatisfiable)
        reply.header('content-range', `bytes */${error.size}`)
      return reply
        .code(status)
        .header('content-type', 'text/html; charset=UTF-8')
        .send(swiftErrorBody(status, message))
    })

    const read = async (request: FastifyRequest, reply: FastifyReply) => {
      const t = targetOf(request)
      if (t.container === undefined)
        return accountListing(store, listLimits, t.account, request, reply)
      if (t.object === undefined) {
        return containerListing(store, listLimits, t.account, t.container, request, reply)
      }
      return sendObject(request, reply, t)
    }
    scope.route({ method: 'GET', url: '/v1/*', exposeHeadRoute: false, handler: read })
    scope.route({ method: 'HEAD', url: '/v1/*', handler: read })

    scope.put('/v1/*', async (request, reply) => {
      const t = targetOf(request)
      if (t.container === undefined) throw methodNotAllowed('Account PUT is not allowed')
      if (t.object !== undefined) return putObject(request, reply, t)
      const created = store.putContainer(
        t.account,
        t.container,
        metaHeaders(request.headers, 'container'),
      )
      return reply
        .code(created ? 201 : 202)
        .header('content-type', 'text/html; charset=UTF-8')
        .send('')
    })

    scope.post('/v1/*', async (request, reply) => {
      const t = targetOf(request)
      if (t.container === undefined) throw methodNotAllowed('Account POST is not supported')
      if (t.object === undefined) {
        store.postContainer(t.account, t.container, metaHeaders(request.headers, 'container'))
        return reply.code(204).send()
      }
      const contentType = headerValue(request, 'content-type')
      store.postObject(
        t.account,
        t.container,
        t.object,
        metaHeaders(request.headers, 'object'),
        contentType,
      )
      return reply.code(202).header('content-type', 'text/html; charset=UTF-8').send('')
    })

    scope.delete('/v1/*', async (request, reply) => {
      const t = targetOf(request)
      if (t.container === undefined) throw methodNotAllowed('Account DELETE is not allowed')
      if (t.object !== undefined) {
        if (!store.deleteObject(t.account, t.container, t.object)) {
          throw new NotFound('The resource could not be found.')
        }
        return reply.code(204).send()
      }
      const outcome = store.deleteContainer(t.account, t.container)
      if (outcome === 'missing') throw new NotFound('The resource could not be found.')
      if (outcome === 'not_empty') {
        throw new Conflict('There was a conflict when trying to complete your request.')
      }
      return reply.code(204).send()
    })
  })
}

function headerValue(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name]
  if (value === undefined) return undefined
  return Array.isArray(value) ? value.join(',') : value
}
