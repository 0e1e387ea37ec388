/**
 * The OpenTelemetry side of `tracing.ts`, loaded only when the environment asks for tracing: the
 * Node tracer provider (AsyncLocalStorage context, OTEL_TRACES_SAMPLER, OTEL_BSP_*), the resource
 * (service.name from OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES, else the server's own name), the
 * OTLP/HTTP exporter (OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT, _HEADERS, _TIMEOUT) and the
 * propagators (OTEL_PROPAGATORS: tracecontext and baggage, the default both). Span attributes
 * follow the HTTP semantic conventions plus `openstack.request_id`; they are built from the
 * method, the path, the route pattern, the status and the request id only: never a header value
 * (tokens travel in headers), a query string or a body.
 * @module
 */
import {
  type Context,
  context,
  createContextKey,
  DiagLogLevel,
  diag,
  propagation,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapPropagator,
  trace,
} from '@opentelemetry/api'
import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources'
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  NodeTracerProvider,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-node'
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
  ATTR_URL_FULL,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
} from '@opentelemetry/semantic-conventions'
import type {
  ClientSpan,
  ServerRequestFacts,
  ServerSpan,
  TraceExporterName,
  Tracing,
  TracingEnv,
} from './tracing_types.ts'

/** The OpenStack request id of the request being served, for the client spans it causes. */
const REQUEST_ID = createContextKey('baton.openstack.request_id')
export const ATTR_OPENSTACK_REQUEST_ID = 'openstack.request_id'
export const ATTR_OPENSTACK_GLOBAL_REQUEST_ID = 'openstack.global_request_id'
const REQUEST_ID_SHAPE = /^req-[0-9a-f-]{36}$/

function propagatorFor(env: TracingEnv, warn: (m: string) => void): TextMapPropagator {
  const names = (env.OTEL_PROPAGATORS ?? 'tracecontext,baggage')
    .split(',')
    .map((n) => n.trim().toLowerCase())
    .filter((n) => n !== '')
  const propagators: TextMapPropagator[] = []
  if (names.includes('none')) return new CompositePropagator({ propagators })
  for (const name of names) {
    if (name === 'tracecontext') propagators.push(new W3CTraceContextPropagator())
    else if (name === 'baggage') propagators.push(new W3CBaggagePropagator())
    else warn(`OTEL_PROPAGATORS=${name} is not supported (tracecontext, baggage, none); ignored`)
  }
  return new CompositePropagator({ propagators })
}

function headerOf(headers: Readonly<Record<string, string>>, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value
  return undefined
}

/** The URL without credentials or query string (a query may carry anything). */
function safeUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`
}

export function createOtelTracing(o: {
  readonly env: TracingEnv
  readonly serviceName: string
  readonly serviceVersion?: string
  readonly exporters: readonly TraceExporterName[]
  readonly warn: (message: string) => void
}): Tracing {
  const say = (m: string) => o.warn(`tracing: ${m}`)
  diag.setLogger(
    { error: say, warn: say, info: () => {}, debug: () => {}, verbose: () => {} },
    DiagLogLevel.WARN,
  )
  // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win over the server's own name
  const resource = resourceFromAttributes({
    [ATTR_SERVICE_NAME]: o.serviceName,
    ...(o.serviceVersion === undefined ? {} : { [ATTR_SERVICE_VERSION]: o.serviceVersion }),
  }).merge(detectResources({ detectors: [envDetector] }))
  const spanProcessors: SpanProcessor[] = o.exporters.map(
    (name) =>
      new BatchSpanProcessor(name === 'otlp' ? new OTLPTraceExporter() : new ConsoleSpanExporter()),
  )
  const provider = new NodeTracerProvider({ resource, spanProcessors })
  const propagator = propagatorFor(o.env, say)
  provider.register({ propagator })
  const tracer = provider.getTracer('baton', o.serviceVersion)

  const serverSpan = (facts: ServerRequestFacts): ServerSpan => {
    const carrier: Record<string, string> = {}
    for (const name of propagator.fields()) {
      const value = facts.headers[name]
      if (typeof value === 'string') carrier[name] = value
    }
    const parent = propagation.extract(context.active(), carrier)
    const given = facts.headers['x-openstack-request-id']
    const globalId = typeof given === 'string' && REQUEST_ID_SHAPE.test(given) ? given : undefined
    const span = tracer.startSpan(
      facts.route === undefined ? facts.method : `${facts.method} ${facts.route}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          [ATTR_HTTP_REQUEST_METHOD]: facts.method,
          [ATTR_URL_PATH]: facts.path,
          [ATTR_URL_SCHEME]: facts.scheme,
          ...(facts.route === undefined ? {} : { [ATTR_HTTP_ROUTE]: facts.route }),
          ...(facts.requestId === undefined
            ? {}
            : { [ATTR_OPENSTACK_REQUEST_ID]: facts.requestId }),
          ...(globalId === undefined || globalId === facts.requestId
            ? {}
            : { [ATTR_OPENSTACK_GLOBAL_REQUEST_ID]: globalId }),
        },
      },
      parent,
    )
    let inside: Context = trace.setSpan(parent, span)
    if (facts.requestId !== undefined) inside = inside.setValue(REQUEST_ID, facts.requestId)
    let ended = false
    return {
      run: (fn) => context.with(inside, fn),
      end(status) {
        if (ended) return
        ended = true
        span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status)
        if (status >= 500) {
          span.setStatus({ code: SpanStatusCode.ERROR })
          span.setAttribute(ATTR_ERROR_TYPE, String(status))
        }
        span.end()
      },
    }
  }

  const clientSpan = (req: {
    readonly method: string
    readonly url: string
    readonly headers: Record<string, string>
  }): ClientSpan => {
    const active = context.active()
    const target = new URL(req.url)
    const requestId =
      headerOf(req.headers, 'x-openstack-request-id') ??
      (active.getValue(REQUEST_ID) as string | undefined)
    const defaultPort = target.protocol === 'https:' ? 443 : 80
    const span: Span = tracer.startSpan(
      req.method,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          [ATTR_HTTP_REQUEST_METHOD]: req.method,
          [ATTR_URL_FULL]: safeUrl(target),
          [ATTR_SERVER_ADDRESS]: target.hostname,
          [ATTR_SERVER_PORT]: target.port === '' ? defaultPort : Number(target.port),
          ...(requestId === undefined ? {} : { [ATTR_OPENSTACK_REQUEST_ID]: requestId }),
        },
      },
      active,
    )
    const headers = { ...req.headers }
    propagation.inject(trace.setSpan(active, span), headers)
    let ended = false
    return {
      headers,
      end(outcome) {
        if (ended) return
        ended = true
        if ('status' in outcome) {
          span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, outcome.status)
          if (outcome.status >= 400) {
            span.setStatus({ code: SpanStatusCode.ERROR })
            span.setAttribute(ATTR_ERROR_TYPE, String(outcome.status))
          }
        } else {
          const error = outcome.error
          span.setStatus({ code: SpanStatusCode.ERROR })
          span.setAttribute(ATTR_ERROR_TYPE, error instanceof Error ? error.name : 'Error')
        }
        span.end()
      },
    }
  }

  return {
    serverSpan,
    clientSpan,
    async shutdown() {
      await provider.shutdown()
    },
  }
}
