/**
 * Optional OpenTelemetry tracing, asked for through the standard OTEL_* environment variables and
 * nothing else. This module never imports OpenTelemetry: it decides from the environment whether
 * tracing is wanted and only then loads `tracing_otel.ts` (the SDK, the OTLP exporter), so a server
 * or a CLI command without OTEL_* set loads none of it. Servers and the client library call the
 * small hooks below; with tracing off `activeTracing()` is undefined and they skip all of it.
 *
 * When tracing is on (see `tracingChoice`): a server span per request received, a client span per
 * request the client library sends, W3C `traceparent` on every outgoing request (OTEL_PROPAGATORS),
 * `openstack.request_id` on every span; never a header, a query string, a token or a body.
 * @module
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http'
import type { ServerSpan, TraceExporterName, Tracing, TracingEnv } from './tracing_types.ts'

export type {
  ClientSpan,
  ServerRequestFacts,
  ServerSpan,
  TraceExporterName,
  Tracing,
  TracingEnv,
} from './tracing_types.ts'

export type TracingChoice = {
  /** Empty: tracing off. */
  readonly exporters: readonly TraceExporterName[]
  /** Values Baton cannot honour (an exporter or propagator it does not ship); said once at start. */
  readonly warnings: readonly string[]
}

const TRUE = /^true$/i

function listOf(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((v) => v.trim().toLowerCase())
    .filter((v) => v !== '')
}

/**
 * Whether the environment asks for tracing. The specification's default exporter is `otlp`, but a
 * Baton server traces only when asked: OTEL_TRACES_EXPORTER names `otlp` (or `console`), or it is
 * unset and an OTLP endpoint is given (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or
 * OTEL_EXPORTER_OTLP_ENDPOINT). `none`, OTEL_SDK_DISABLED=true or nothing set: off.
 */
export function tracingChoice(env: TracingEnv): TracingChoice {
  if (TRUE.test(env.OTEL_SDK_DISABLED ?? '')) return { exporters: [], warnings: [] }
  const warnings: string[] = []
  const named = listOf(env.OTEL_TRACES_EXPORTER)
  let exporters: TraceExporterName[]
  if (named.length === 0) {
    const endpoint =
      (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? '').trim() !== '' ||
      (env.OTEL_EXPORTER_OTLP_ENDPOINT ?? '').trim() !== ''
    exporters = endpoint ? ['otlp'] : []
  } else if (named.includes('none')) {
    exporters = []
  } else {
    exporters = []
    for (const name of named) {
      if (name === 'otlp' || name === 'console') {
        if (!exporters.includes(name)) exporters.push(name)
      } else {
        warnings.push(
          `OTEL_TRACES_EXPORTER=${name} is not supported (otlp, console, none); ignored`,
        )
      }
    }
  }
  if (exporters.includes('otlp')) {
    const protocol = (
      env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ??
      env.OTEL_EXPORTER_OTLP_PROTOCOL ??
      'http/json'
    ).trim()
    if (protocol !== 'http/json') {
      warnings.push(
        `OTEL_EXPORTER_OTLP_PROTOCOL=${protocol}: Baton sends OTLP as http/json (the collector's ` +
          'OTLP/HTTP port, 4318, accepts it)',
      )
    }
  }
  return { exporters, warnings }
}

let active: Tracing | undefined

/** The tracing this process started, or undefined (the default: off). */
export function activeTracing(): Tracing | undefined {
  return active
}

/**
 * Starts tracing when the environment asks for it (`tracingChoice`), loading OpenTelemetry only
 * then; `serviceName` is service.name unless OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES say
 * otherwise. Resolves undefined when tracing stays off. Once per process.
 */
export async function startTracing(o: {
  readonly env: TracingEnv
  readonly serviceName: string
  readonly serviceVersion?: string
  readonly warn: (message: string) => void
}): Promise<Tracing | undefined> {
  if (active !== undefined) return active
  const choice = tracingChoice(o.env)
  for (const warning of choice.warnings) o.warn(warning)
  if (choice.exporters.length === 0) return undefined
  let otel: typeof import('./tracing_otel.ts')
  try {
    otel = await import('./tracing_otel.ts')
  } catch (error) {
    // the SDK is an optional peer of @baton/config (the baton CLI brings it): an app embedding
    // the middleware or client installs it only if it wants Baton's spans
    if (!isMissingModule(error)) throw error
    o.warn(
      `tracing stays off: the OTEL_* environment asks for it, but the OpenTelemetry SDK is not installed (${OTEL_PACKAGES_HINT})`,
    )
    return undefined
  }
  active = otel.createOtelTracing({ ...o, exporters: choice.exporters })
  return active
}

const OTEL_PACKAGES_HINT =
  'npm install @opentelemetry/api @opentelemetry/core @opentelemetry/resources ' +
  '@opentelemetry/sdk-trace-base @opentelemetry/sdk-trace-node ' +
  '@opentelemetry/exporter-trace-otlp-http @opentelemetry/semantic-conventions'

function isMissingModule(error: unknown): boolean {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND'
}

/** Stops the active tracing after sending what is left (at a server's shutdown); no-op when off. */
export async function stopTracing(): Promise<void> {
  const tracing = active
  active = undefined
  await tracing?.shutdown()
}

type HookRequest = {
  readonly method: string
  readonly url: string
  readonly headers: IncomingHttpHeaders
  readonly id: unknown
  readonly protocol: string
  readonly routeOptions: { readonly url?: string | undefined }
}
type HookReply = { readonly statusCode: number }
type Done = () => void

/**
 * Fastify hooks for a server span per request (identity server, reference services), or undefined
 * when tracing is off. `onRequest` must be the first hook added, so the auth middleware's calls
 * run inside the span; `preHandler` enters the span again after the body was read (stream events
 * do not carry the context), so the route's own calls are children too.
 */
export function fastifyTracingHooks():
  | {
      onRequest(request: HookRequest, reply: HookReply, done: Done): void
      preHandler(request: HookRequest, reply: HookReply, done: Done): void
      onResponse(request: HookRequest, reply: HookReply, done: Done): void
    }
  | undefined {
  const tracing = active
  if (tracing === undefined) return undefined
  const spans = new WeakMap<object, ServerSpan>()
  return {
    onRequest(request, _reply, done) {
      const span = tracing.serverSpan({
        method: request.method,
        path: request.url.split('?')[0] ?? '/',
        scheme: request.protocol,
        route: request.routeOptions.url,
        headers: request.headers,
        requestId: String(request.id),
      })
      spans.set(request, span)
      span.run(done)
    },
    preHandler(request, _reply, done) {
      const span = spans.get(request)
      if (span === undefined) done()
      else span.run(done)
    },
    onResponse(request, reply, done) {
      spans.get(request)?.end(reply.statusCode)
      done()
    },
  }
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void

/** A node:http handler with a server span per request (the echo); `handler` itself when off. */
export function tracedHandler(handler: Handler): Handler {
  const tracing = active
  if (tracing === undefined) return handler
  return (req, res) => {
    const given = req.headers['x-openstack-request-id']
    const span = tracing.serverSpan({
      method: req.method ?? 'GET',
      path: (req.url ?? '/').split('?')[0] ?? '/',
      scheme: 'encrypted' in req.socket ? 'https' : 'http',
      headers: req.headers,
      requestId: typeof given === 'string' ? given : undefined,
    })
    res.once('close', () => span.end(res.statusCode))
    span.run(() => handler(req, res))
  }
}
