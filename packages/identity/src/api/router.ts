/**
 * How every API area registers its routes: handlers return a `Result` (status, body, headers),
 * `GET` also answers `HEAD`, and `finish()` answers 405 for the methods a known path does not
 * take, as werkzeug does (the one 405 mechanism of the API). `apiArea` turns an area's route
 * functions into a fastify plugin the composition root registers.
 * @module
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { MethodNotAllowed } from '../errors.ts'

export type Result = {
  readonly status: number
  readonly body?: unknown
  readonly headers?: Readonly<Record<string, string>>
}

export const ok = (body: unknown): Result => ({ status: 200, body })
export const created = (body: unknown): Result => ({ status: 201, body })
export const noContent = (): Result => ({ status: 204 })

export type Handler = (request: FastifyRequest) => Promise<Result>

type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
const METHODS: readonly Method[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']

/** Registers routes and remembers which methods each path takes. */
export class Router {
  readonly #app: FastifyInstance
  readonly #methods = new Map<string, Set<Method>>()

  constructor(app: FastifyInstance) {
    this.#app = app
  }

  /** `GET` also answers `HEAD` (same status, no body) unless `head` is given separately. */
  route(method: Method, url: string, handler: Handler, options: { head?: Handler } = {}): void {
    const seen = this.#methods.get(url) ?? new Set<Method>()
    seen.add(method)
    this.#methods.set(url, seen)
    const run = async (request: FastifyRequest, reply: FastifyReply) =>
      send(reply, await handler(request))
    if (method === 'GET' && options.head) {
      this.#app.route({ method, url, handler: run, exposeHeadRoute: false })
      const head = options.head
      this.#app.route({
        method: 'HEAD',
        url,
        handler: async (r, reply) => send(reply, await head(r)),
      })
      seen.add('HEAD')
      return
    }
    this.#app.route({ method, url, handler: run })
  }

  /** Every (method, path) registered with a handler, HEAD only where it has its own. */
  registered(): [method: string, url: string][] {
    return [...this.#methods].flatMap(([url, methods]) =>
      [...methods].map((m) => [m, url] as [string, string]),
    )
  }

  /** werkzeug's 405 for every other method on the paths registered so far. */
  finish(): void {
    for (const [url, seen] of this.#methods) {
      const others = METHODS.filter((m) => !seen.has(m))
      if (others.length === 0) continue
      this.#app.route({
        method: others,
        url,
        handler: async () => {
          throw new MethodNotAllowed()
        },
      })
    }
  }
}

function send(reply: FastifyReply, result: Result): FastifyReply {
  reply.code(result.status)
  const headers = result.headers
  if (headers !== undefined) for (const name in headers) reply.header(name, headers[name])
  return result.body === undefined ? reply.send() : reply.send(result.body)
}

/** Registers one API area's routes on a Router. */
export type AreaRoutes<C> = (router: Router, ctx: C) => void

export type AreaOptions<C> = {
  readonly ctx: C
  /** Filled with the (method, path) pairs registered, once the plugin has loaded. */
  readonly registered?: [method: string, url: string][]
}

/**
 * One API area (auth, catalog, resources...) as a fastify plugin: its routes, then 405 for
 * the other methods on its paths. An area owns its paths: no path spans two areas.
 */
export function apiArea<C>(
  name: string,
  parts: readonly AreaRoutes<C>[],
): FastifyPluginAsync<AreaOptions<C>> {
  const plugin: FastifyPluginAsync<AreaOptions<C>> = async (app, options) => {
    const router = new Router(app)
    for (const part of parts) part(router, options.ctx)
    router.finish()
    options.registered?.push(...router.registered())
  }
  Object.defineProperty(plugin, 'name', { value: `api:${name}` })
  return plugin
}
