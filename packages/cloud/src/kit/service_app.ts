/**
 * One reference service as a running process would have it: config (its own groups plus
 * `[keystone_authtoken]`, `[service_user]`, `[audit]`), its database, Baton's middleware in front of
 * every route but version discovery, an audit line per request, the next hop, background jobs, and
 * errors rendered in one place in the real service's body shape.
 * @module
 */
import { randomUUID } from 'node:crypto'
import { appendFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  type Clock,
  type DelegationSettings,
  type IdentityPlugin,
  type Interface,
  loadDelegationSettings,
  loadServiceUserAuth,
  serviceUserGroup,
  serviceUserSessionOptions,
} from '@baton/client'
import {
  type Config,
  decodeUtf8Strict,
  enforceBodyRate,
  fastifyTlsOptions,
  fastifyTracingHooks,
  healthcheckOptions,
  httpServerOptions,
  type LogSettings,
  loadConfig,
  loggingOptions,
  logSettings,
  MAX_BODY_DEPTH,
  metricsOptions,
  nestingExceeds,
  nodeServerTimeouts,
  type OptionGroup,
  openstackOptions,
  proxyHeadersOptions,
  serverTlsOptions,
  sslOptions,
  unusedSummary,
} from '@baton/config'
import { authtokenOptions, createAuthToken, fastifyAuthToken, identityOf } from '@baton/middleware'
import Fastify, { type FastifyInstance } from 'fastify'
import type { ServiceFacts } from '../services.ts'
import { auditIdentity, openAuditLog } from './audit.ts'
import { openServiceDatabase } from './database.ts'
import { delegationOf, NextHop } from './delegation.ts'
import { BadRequest, CloudConfigError, CloudError } from './errors.ts'
import { JOBS_MIGRATION, JobRunner } from './jobs.ts'
import { OPERATOR_PATHS, registerServiceOperations } from './operations.ts'
import { auditOptions, serviceDefaultOptions } from './options.ts'
import type { ServiceContext } from './service_context.ts'

/** A reference service: its facts (name, default port, catalog entry, service user) and its code. */
export type ServiceSpec = ServiceFacts & {
  readonly groups: readonly OptionGroup[]
  readonly migrations: readonly string[]
  /** Routes answered without a token (version discovery). */
  isPublic?(method: string, path: string): boolean
  register(app: FastifyInstance, ctx: ServiceContext): void | Promise<void>
}

export type ServiceRuntime = {
  readonly app: FastifyInstance
  readonly ctx: ServiceContext
  close(): Promise<void>
}

export type BuildOptions = {
  readonly configFiles?: readonly string[]
  readonly config?: Config
  readonly env?: Readonly<Record<string, string | undefined>>
  readonly clock?: Clock
  readonly log?: (line: string) => void
}

export function serviceGroups(spec: ServiceSpec): OptionGroup[] {
  return [
    serviceDefaultOptions,
    loggingOptions,
    httpServerOptions,
    healthcheckOptions,
    metricsOptions,
    proxyHeadersOptions,
    sslOptions,
    auditOptions,
    authtokenOptions,
    serviceUserGroup,
    ...spec.groups,
  ]
}

export async function buildService(spec: ServiceSpec, o: BuildOptions): Promise<ServiceRuntime> {
  const clock = o.clock ?? { now: Date.now }
  const config =
    o.config ??
    loadConfig({
      files: o.configFiles ?? [],
      env: o.env ?? {},
      groups: serviceGroups(spec),
      known: openstackOptions,
    })
  // oslo.log: `log_file`/`log_dir` send the service's lines there, `debug` adds fastify's own
  const logging = logSettings(config.get(loggingOptions), `baton-${spec.name}`)
  const logFile = logging.file
  const log =
    logFile !== undefined
      ? (line: string) => appendFileSync(logFile, `${line}\n`)
      : (o.log ?? ((line: string) => process.stderr.write(`${line}\n`)))
  for (const warning of config.warnings) log(`baton ${spec.name}: warning: ${warning}`)
  const unused = unusedSummary(config.unused)
  if (unused !== undefined) log(`baton ${spec.name}: ${unused}; \`baton config check\` lists them`)
  const defaults = config.get(serviceDefaultOptions)
  const dataDir = defaults.data_dir
  const auth = createAuthToken({
    config,
    clock,
    userAgent: `baton-${spec.name}`,
    logger: {
      warn: (m) => log(`baton ${spec.name}: warning: ${m}`),
      error: (m) => log(`baton ${spec.name}: ${m}`),
    },
  })
  let serviceAuth: IdentityPlugin | null
  let delegating: DelegationSettings | null
  try {
    serviceAuth = loadServiceUserAuth(config)
    delegating = loadDelegationSettings(config)
  } catch (error) {
    await auth.close()
    throw error
  }
  if (serviceAuth === null && spec.callsNextHop !== false) {
    log(
      `baton ${spec.name}: warning: [service_user] send_service_user_token is false: calls to the next ` +
        'service carry only the user token, and fail once it expires',
    )
  }
  const db = openServiceDatabase(join(dataDir, `${spec.name}.sqlite`), [
    JOBS_MIGRATION,
    ...spec.migrations,
  ])
  const audit = openAuditLog(config.get(auditOptions).file ?? join(dataDir, 'audit.log'), clock)
  const userInterface = (config.get(authtokenOptions).interface ?? 'public') as Interface
  const next = new NextHop({
    service: spec.name,
    auth,
    serviceAuth,
    delegating,
    audit,
    interface: userInterface,
    regionName: config.get(authtokenOptions).region_name,
    // [service_user] timeout, cafile, certfile, keyfile, insecure
    sessionOptions: serviceUserSessionOptions(config, {
      warn: (m) => log(`baton ${spec.name}: warning: ${m}`),
    }),
  })
  const jobs = new JobRunner(db, (job, error) =>
    log(
      `baton ${spec.name}: job ${job.kind} ${job.resourceId} failed: ${error instanceof Error ? error.message : String(error)}`,
    ),
  )
  const ctx: ServiceContext = {
    name: spec.name,
    config,
    db,
    dataDir,
    auth,
    serviceAuth,
    audit,
    next,
    jobs,
    clock,
    identity(request) {
      const identity = identityOf(request)
      if (identity === undefined)
        throw new CloudConfigError('route reached without the auth middleware')
      return identity
    },
    delegation(request) {
      return delegationOf(ctx.identity(request), String(request.id))
    },
    log: (m) => log(`baton ${spec.name}: ${m}`),
  }
  const app = buildFastify(spec, ctx, logging)
  registerServiceOperations(app, ctx)
  await spec.register(app, ctx)
  jobs.resumeAll()
  return {
    app,
    ctx,
    close: async () => {
      await app.close()
      await jobs.stop()
      await auth.close()
      db.close()
    },
  }
}

function buildFastify(
  spec: ServiceSpec,
  ctx: ServiceContext,
  logging: LogSettings,
): FastifyInstance {
  const timeouts = ctx.config.get(httpServerOptions)
  const { requestTimeout, headersTimeout, connectionsCheckingInterval } =
    nodeServerTimeouts(timeouts)
  const app = Fastify({
    requestTimeout,
    http: { headersTimeout, requestTimeout, connectionsCheckingInterval },
    // [ssl] cert_file/key_file: HTTPS with the same deadlines
    ...fastifyTlsOptions(serverTlsOptions(ctx.config.get(sslOptions)), {
      headersTimeout,
      requestTimeout,
      connectionsCheckingInterval,
    }),
    logger:
      logging.level === 'debug'
        ? { level: 'debug', ...(logging.file === undefined ? {} : { file: logging.file }) }
        : false,
    genReqId: (req) => {
      const given = req.headers['x-openstack-request-id']
      return typeof given === 'string' && /^req-[0-9a-f-]{36}$/.test(given)
        ? given
        : `req-${randomUUID()}`
    },
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true },
    bodyLimit: 1024 * 1024,
  })
  enforceBodyRate(app.server, timeouts)
  // OTEL_* tracing (off unless the environment asks): a server span per request, added before the
  // auth middleware's hook so its calls to identity are children of the span
  const tracing = fastifyTracingHooks()
  if (tracing !== undefined) {
    app.addHook('onRequest', tracing.onRequest)
    app.addHook('preHandler', tracing.preHandler)
    app.addHook('onResponse', tracing.onResponse)
  }
  // binary bodies (image data, objects) stay streams: handlers pipe them to disk
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload))
  // JSON: bytes that are not UTF-8 and runaway nesting are refused, then fastify's own parser
  // (which refuses __proto__ and constructor keys) reads the text
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const text = decodeUtf8Strict(body)
    if (text === undefined) return done(new BadRequest('Malformed request body: not UTF-8.'))
    if (nestingExceeds(text, MAX_BODY_DEPTH)) {
      return done(new BadRequest(`Malformed request body: nested deeper than ${MAX_BODY_DEPTH}.`))
    }
    parseJson(request, text, done)
  })
  const hooks = fastifyAuthToken(ctx.auth)
  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0] ?? '/'
    if (OPERATOR_PATHS.has(path) || spec.isPublic?.(request.method, path)) return
    return hooks.onRequest(request, reply)
  })
  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('x-openstack-request-id', request.id)
    return hooks.onSend(request, reply, payload)
  })
  app.addHook('onResponse', async (request, reply) => {
    const identity = identityOf(request)
    if (identity === undefined) return
    ctx.audit.write({
      service: spec.name,
      direction: 'received',
      request_id: String(request.id),
      method: request.method,
      path: request.url.split('?')[0] ?? '/',
      status: reply.statusCode,
      ...auditIdentity(identity),
      outcome: reply.statusCode < 400 ? 'ok' : 'error',
    })
  })
  app.setErrorHandler(async (error, request, reply) => {
    if (error instanceof CloudError) {
      return reply
        .code(error.status)
        .send({ [error.fault]: { code: error.status, message: error.message } })
    }
    const status = (error as { statusCode?: unknown }).statusCode
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return reply
        .code(status)
        .send({ badRequest: { code: status, message: (error as Error).message } })
    }
    ctx.log(`unexpected error on ${request.method} ${request.url}: ${(error as Error).message}`)
    return reply.code(500).send({
      computeFault: {
        code: 500,
        message:
          'The server has either erred or is incapable of performing the requested operation.',
      },
    })
  })
  app.setNotFoundHandler(async (request, reply) =>
    reply.code(404).send({
      itemNotFound: {
        code: 404,
        message: `No route for ${request.method} ${request.url.split('?')[0]}`,
      },
    }),
  )
  return app
}
