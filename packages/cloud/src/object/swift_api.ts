/**
 * The Swift API under `/v1/AUTH_<project>` as one fastify plugin: the account is the token's
 * project (a token scoped elsewhere gets 403 unless it holds the admin role), every body is data
 * streamed as it comes (never parsed), errors are Swift's HTML pages. A path's level (account,
 * container or object, by its segments, as Swift reads it) picks the area that answers it.
 * @module
 */
import { identityOf } from '@baton/middleware'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { CloudError, Forbidden } from '../kit/errors.ts'
import { accountApi } from './account_api.ts'
import { containerApi } from './container_api.ts'
import type { LevelApi, SwiftDeps, SwiftMethod } from './levels.ts'
import { objectApi } from './object_api.ts'
import { checkName } from './store.ts'
import { parseTarget, RangeNotSatisfiable, swiftErrorBody, type Target } from './swift_http.ts'

export const swiftApi: FastifyPluginAsync<SwiftDeps> = async (scope, deps) => {
  const { ctx, limits } = deps
  const levels = {
    account: accountApi(deps),
    container: containerApi(deps),
    object: objectApi(deps),
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
  const levelOf = (t: Target): LevelApi =>
    t.container === undefined
      ? levels.account
      : t.object === undefined
        ? levels.container
        : levels.object
  const handler = (method: SwiftMethod) => async (request: FastifyRequest, reply: FastifyReply) => {
    const t = targetOf(request)
    return levelOf(t)[method](request, reply, t)
  }

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
    if (error instanceof RangeNotSatisfiable) reply.header('content-range', `bytes */${error.size}`)
    return reply
      .code(status)
      .header('content-type', 'text/html; charset=UTF-8')
      .send(swiftErrorBody(status, message))
  })

  scope.route({ method: 'GET', url: '/v1/*', exposeHeadRoute: false, handler: handler('GET') })
  scope.route({ method: 'HEAD', url: '/v1/*', handler: handler('HEAD') })
  scope.put('/v1/*', handler('PUT'))
  scope.post('/v1/*', handler('POST'))
  scope.delete('/v1/*', handler('DELETE'))
}
