/**
 * The identity HTTP application: fastify configured to behave like Keystone's flask app (JSON
 * bodies only, trailing-slash tolerance, HEAD for every GET, request ids, `Vary: X-Auth-Token`,
 * Keystone's error body everywhere, secrets redacted from logs). API areas plug in as routes.
 * @module
 */
import { randomUUID } from 'node:crypto'
import {
  type Config,
  enforceBodyRate,
  fastifyTlsOptions,
  fastifyTracingHooks,
  nodeServerTimeouts,
  serverTlsOptions,
} from '@baton/config'
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify'
import { defaultOptions, httpServerOptions, osloMiddlewareOptions, sslOptions } from '../options.ts'
import { AccessLogController } from './access_log.ts'
import { baseUrl } from './base_url.ts'
import { registerDiscovery } from './discovery.ts'
import {
  clientErrorRenderer,
  frameworkErrorRenderer,
  registerErrorHandling,
} from './error_handler.ts'
import { registerJsonBodyParser } from './json_body.ts'
import { LazyChildLogger } from './lazy_child_logger.ts'
import { textLogStream } from './text_log.ts'

/** Headers and body fields that carry credentials: never logged. */
export const REDACTED_LOG_PATHS = [
  'req.headers["x-auth-token"]',
  'req.headers["x-subject-token"]',
  'req.headers["x-service-token"]',
  'req.headers.authorization',
  'res.headers["x-subject-token"]',
  '*.password',
  '*.original_password',
  '*.secret',
]

export type IdentityAppOptions = {
  config: Config
  /** pino options (`file` appends there instead of stdout; `json: false` writes text lines), or false for none. */
  logger?: false | IdentityLogger
  /** Registers the API areas on the configured instance. */
  routes?: (app: FastifyInstance, context: HttpContext) => void
}

/** The server's log: `[DEFAULT] debug`, `log_file`/`log_dir` and `use_json` (see `identityLogger`). */
export type IdentityLogger = { level: string; file?: string; json?: boolean }

/** What every route needs from the HTTP layer. */
export type HttpContext = {
  /** `http://host:port` (or `[DEFAULT] public_endpoint`), without a trailing slash. */
  baseUrl(request: FastifyRequest): string
}

function pinoOptions(logger: IdentityAppOptions['logger']) {
  if (logger === undefined || logger === false) return false
  const redact = { paths: REDACTED_LOG_PATHS, censor: '***' }
  if (logger.json === false) {
    return { level: logger.level, stream: textLogStream('baton.identity', logger.file), redact }
  }
  return {
    level: logger.level,
    ...(logger.file === undefined ? {} : { file: logger.file }),
    redact,
  }
}

export function buildIdentityApp(options: IdentityAppOptions): FastifyInstance {
  const publicEndpoint = options.config.get(defaultOptions).public_endpoint
  const { max_request_body_size: bodyLimit, enable_proxy_headers_parsing: proxyHeaders } =
    options.config.get(osloMiddlewareOptions)
  const rendering = {
    authenticateUri: (request: FastifyRequest) =>
      `${baseUrl(request, publicEndpoint, proxyHeaders)}/v3`,
  }
  const timeouts = options.config.get(httpServerOptions)
  const { requestTimeout, headersTimeout, connectionsCheckingInterval } =
    nodeServerTimeouts(timeouts)
  const app = Fastify({
    frameworkErrors: frameworkErrorRenderer(rendering),
    // 408 (slow headers or body), 431 (headers over 16 KB), 400: Keystone's body, not fastify's
    clientErrorHandler: clientErrorRenderer,
    requestTimeout,
    http: { headersTimeout, requestTimeout, connectionsCheckingInterval },
    // [ssl] cert_file/key_file: HTTPS with the same deadlines
    ...fastifyTlsOptions(serverTlsOptions(options.config.get(sslOptions)), {
      headersTimeout,
      requestTimeout,
      connectionsCheckingInterval,
    }),
    logger: pinoOptions(options.logger),
    logController: new AccessLogController(),
    childLoggerFactory: (logger, bindings, childOptions) =>
      new LazyChildLogger(logger, bindings, childOptions),
    bodyLimit,
    // tags and region ids may be 255 characters; fastify's default cuts path segments at 100
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 512 },
    exposeHeadRoutes: true,
    genReqId: () => `req-${randomUUID()}`,
    requestIdHeader: false,
    ajv: {
      // Keystone's jsonschema never coerces, never strips, and keeps unknown attributes as extras.
      customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false },
    },
  })
  enforceBodyRate(app.server, timeouts)
  const context: HttpContext = {
    baseUrl: (request) => baseUrl(request, publicEndpoint, proxyHeaders),
  }

  // OTEL_* tracing (off unless the environment asks): a server span per request, first hook
  const tracing = fastifyTracingHooks()
  if (tracing !== undefined) {
    app.addHook('onRequest', tracing.onRequest)
    app.addHook('preHandler', tracing.preHandler)
    app.addHook('onResponse', tracing.onResponse)
  }
  registerJsonBodyParser(app)
  registerErrorHandling(app, rendering)
  // Callback-style hooks: an async hook costs a promise per request.
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-openstack-request-id', request.id)
    reply.header('Vary', 'X-Auth-Token')
    done(null, payload)
  })
  registerDiscovery(app, context.baseUrl)
  options.routes?.(app, context)
  return app
}
