/**
 * A loopback OTLP/HTTP trace receiver for the tracing tests: a plain node:http server that accepts
 * the exporters' POSTs to /v1/traces (OTLP JSON, as @opentelemetry/exporter-trace-otlp-http sends
 * it; gzip-encoded too), decodes every span with its resource's service.name, and answers 200 as a
 * collector does. Anything else (protobuf, another path) is answered 415/404 and remembered, so a
 * test can tell that nothing it did not expect arrived.
 * @module
 */
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gunzipSync } from 'node:zlib'

export type AttributeValue = string | number | boolean | null

export type ReceivedSpan = {
  readonly service: string
  readonly traceId: string
  readonly spanId: string
  /** '' for a root span. */
  readonly parentSpanId: string
  readonly name: string
  /** OTLP's SpanKind: 2 server, 3 client. */
  readonly kind: number
  readonly attributes: Readonly<Record<string, AttributeValue>>
  readonly resource: Readonly<Record<string, AttributeValue>>
}

export const SPAN_KIND_SERVER = 2
export const SPAN_KIND_CLIENT = 3

export type OtlpReceiver = {
  /** The base URL, for OTEL_EXPORTER_OTLP_ENDPOINT (the exporter adds /v1/traces). */
  readonly url: string
  readonly spans: ReceivedSpan[]
  /** Requests that were not OTLP JSON at /v1/traces: "METHOD path content-type". */
  readonly refused: string[]
  close(): Promise<void>
}

type OtlpKeyValue = { key: string; value?: OtlpAnyValue }
type OtlpAnyValue = {
  stringValue?: string
  intValue?: string | number
  doubleValue?: number
  boolValue?: boolean
}

function anyValue(v: OtlpAnyValue | undefined): AttributeValue {
  if (v === undefined) return null
  if (v.stringValue !== undefined) return v.stringValue
  if (v.intValue !== undefined) return Number(v.intValue)
  if (v.doubleValue !== undefined) return v.doubleValue
  if (v.boolValue !== undefined) return v.boolValue
  return null
}

function attributesOf(list: readonly OtlpKeyValue[] | undefined): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {}
  for (const kv of list ?? []) out[kv.key] = anyValue(kv.value)
  return out
}

/** OTLP JSON ids are hex; a base64 id (the protobuf-JSON mapping) is turned into hex too. */
function hexId(id: string | undefined, bytes: number): string {
  if (id === undefined || id === '') return ''
  if (id.length === bytes * 2 && /^[0-9a-f]+$/i.test(id)) return id.toLowerCase()
  return Buffer.from(id, 'base64').toString('hex')
}

type ExportRequest = {
  resourceSpans?: {
    resource?: { attributes?: OtlpKeyValue[] }
    scopeSpans?: {
      spans?: {
        traceId?: string
        spanId?: string
        parentSpanId?: string
        name?: string
        kind?: number
        attributes?: OtlpKeyValue[]
      }[]
    }[]
  }[]
}

/** Every span of one OTLP JSON export request. */
export function decodeExport(body: ExportRequest): ReceivedSpan[] {
  const spans: ReceivedSpan[] = []
  for (const rs of body.resourceSpans ?? []) {
    const resource = attributesOf(rs.resource?.attributes)
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        spans.push({
          service: String(resource['service.name'] ?? ''),
          traceId: hexId(s.traceId, 16),
          spanId: hexId(s.spanId, 8),
          parentSpanId: hexId(s.parentSpanId, 8),
          name: s.name ?? '',
          kind: s.kind ?? 0,
          attributes: attributesOf(s.attributes),
          resource,
        })
      }
    }
  }
  return spans
}

async function bodyOf(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  const raw = Buffer.concat(chunks)
  return req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = []
  const refused: string[] = []
  const server: Server = createServer((req, res) => {
    void (async () => {
      const type = String(req.headers['content-type'] ?? '')
      const body = await bodyOf(req)
      if (req.method !== 'POST' || req.url !== '/v1/traces' || !type.includes('json')) {
        refused.push(`${req.method} ${req.url} ${type}`)
        res.writeHead(req.url === '/v1/traces' ? 415 : 404).end()
        return
      }
      spans.push(...decodeExport(JSON.parse(body.toString('utf8')) as ExportRequest))
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}')
    })().catch(() => res.writeHead(400).end())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    refused,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
