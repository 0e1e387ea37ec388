/**
 * The shapes tracing.ts (the switch, the hooks) and tracing_otel.ts (the SDK behind them) share:
 * in a module of their own, so the SDK side needs nothing from the switch that loads it.
 * @module
 */
import type { IncomingHttpHeaders } from 'node:http'

export type TracingEnv = Readonly<Record<string, string | undefined>>

/** Where spans go: OTLP over HTTP (the collector's /v1/traces) or stdout. */
export type TraceExporterName = 'otlp' | 'console'

/** One request received. */
export interface ServerSpan {
  /** Runs `fn` with this span as the current one (client spans started inside become children). */
  run<T>(fn: () => T): T
  /** Ends the span with the answer's status (5xx marks it an error). */
  end(status: number): void
}

/** One request sent. */
export interface ClientSpan {
  /** The headers to send: the caller's plus `traceparent` (and `tracestate`, `baggage`). */
  readonly headers: Record<string, string>
  /** Ends the span with the answer's status, or the reason no answer came. */
  end(outcome: { readonly status: number } | { readonly error: unknown }): void
}

export type ServerRequestFacts = {
  readonly method: string
  /** The path without the query string. */
  readonly path: string
  readonly scheme: string
  /** The route pattern (`/v3/users/:user_id`) when the server has one. */
  readonly route?: string | undefined
  readonly headers: IncomingHttpHeaders
  /** The request id the server answers with (X-OpenStack-Request-ID). */
  readonly requestId?: string | undefined
}

export interface Tracing {
  serverSpan(facts: ServerRequestFacts): ServerSpan
  clientSpan(o: {
    readonly method: string
    readonly url: string
    readonly headers: Record<string, string>
  }): ClientSpan
  /** Sends the spans not yet exported, then stops. */
  shutdown(): Promise<void>
}
