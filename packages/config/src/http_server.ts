/**
 * How long a client may take to send a request to one of Baton's HTTP servers (identity, the
 * reference services, the echo), declared once and enforced the same way everywhere. Modelled on
 * Apache's mod_reqtimeout (`RequestReadTimeout header=20-40,MinRate=500 body=20,MinRate=500`, the
 * limits Keystone usually sits behind) and node's own request timeout: without them a client that
 * trickles its body a byte at a time keeps its connection and its buffered body for ever.
 * Node enforces the header and whole-request limits; `enforceBodyRate` adds the body-rate floor.
 * @module
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { defineGroup, type GroupValues } from './groups.ts'
import { opt } from './options.ts'

export const httpServerOptions = defineGroup(
  'http_server',
  {
    header_timeout: opt.int({
      default: 40,
      min: 1,
      help:
        'Seconds a client has to send the request line and headers (Apache RequestReadTimeout ' +
        'header=20-40, node headersTimeout). A slower client gets 408 and its connection closed.',
    }),
    body_timeout: opt.int({
      default: 20,
      min: 0,
      help:
        'Seconds a client has to send a request body, extended by one second for every ' +
        '`body_min_rate` bytes received (Apache RequestReadTimeout body=20,MinRate=500). A client ' +
        'below that rate gets 408 and its connection closed, so its buffered body is freed. ' +
        '0 turns the body deadline off (request_timeout still applies).',
    }),
    body_min_rate: opt.int({
      default: 500,
      min: 0,
      help:
        'Bytes per second of request body that extend `body_timeout` by one second (the ' +
        'per-connection rate floor). 0: no extension, the whole body within body_timeout.',
    }),
    request_timeout: opt.int({
      default: 300,
      min: 0,
      help:
        'Seconds a client has to send a whole request, headers and body (node requestTimeout, ' +
        'whose default this is). 408 after that, however fast the body arrives. 0: no limit.',
    }),
  },
  { help: 'Request deadlines of the HTTP server (slow clients get 408).' },
)

export type HttpServerTimeouts = GroupValues<(typeof httpServerOptions)['options']>

/** The node http.Server settings for the header and whole-request limits (milliseconds). */
export function nodeServerTimeouts(t: HttpServerTimeouts): {
  headersTimeout: number
  requestTimeout: number
  connectionsCheckingInterval: number
} {
  const requestTimeout = t.request_timeout * 1000
  // node refuses a headersTimeout above a non-zero requestTimeout
  const headersTimeout =
    requestTimeout > 0 ? Math.min(t.header_timeout * 1000, requestTimeout) : t.header_timeout * 1000
  const shortest = requestTimeout > 0 ? Math.min(headersTimeout, requestTimeout) : headersTimeout
  // node checks deadlines every interval (30 s by default): a quarter of the shortest one
  return {
    headersTimeout,
    requestTimeout,
    connectionsCheckingInterval: clamp(shortest / 4, 50, 30_000),
  }
}

type Watched = {
  readonly req: IncomingMessage
  readonly res: ServerResponse
  readonly start: number
  readonly bytesAtStart: number
}

/**
 * The body deadline: a request whose body has not fully arrived `body_timeout` seconds (plus one
 * per `body_min_rate` bytes received) after its headers gets a 408 through the server's
 * `clientError` handling (node's own request timeout takes the same path), or, when its answer
 * has already started, a closed connection. Bytes read on the connection after the headers count
 * as received (body bytes that came in the very read that completed the headers do not: at most
 * one read). One timer sweeps every watched request; none runs
 * while no body is in flight.
 */
export function enforceBodyRate(
  server: Server,
  t: HttpServerTimeouts,
  now: () => number = Date.now,
): void {
  if (t.body_timeout === 0) return
  const bodyMs = t.body_timeout * 1000
  const watched = new Set<Watched>()
  const interval = clamp(bodyMs / 4, 50, 1000)
  let timer: NodeJS.Timeout | undefined
  const sweep = () => {
    const at = now()
    for (const w of watched) {
      const socket = w.req.socket
      if (w.req.complete || socket.destroyed) {
        watched.delete(w)
        continue
      }
      const received = socket.bytesRead - w.bytesAtStart
      const extension = t.body_min_rate > 0 ? (received * 1000) / t.body_min_rate : 0
      if (at < w.start + bodyMs + extension) continue
      watched.delete(w)
      timeOut(server, w)
    }
    if (watched.size === 0 && timer !== undefined) {
      clearInterval(timer)
      timer = undefined
    }
  }
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!expectsBody(req)) return
    watched.add({ req, res, start: now(), bytesAtStart: req.socket.bytesRead })
    if (timer === undefined) {
      timer = setInterval(sweep, interval)
      timer.unref()
    }
  })
  server.on('close', () => {
    if (timer !== undefined) clearInterval(timer)
    watched.clear()
  })
}

function expectsBody(req: IncomingMessage): boolean {
  if (req.complete) return false
  const length = req.headers['content-length']
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')
}

const REQUEST_TIMEOUT_RESPONSE =
  'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n'

function timeOut(server: Server, w: Watched): void {
  const socket = w.req.socket
  if (w.res.headersSent || !socket.writable) {
    socket.destroy()
    return
  }
  const error = Object.assign(new Error('the request body did not arrive in time'), {
    code: 'ERR_HTTP_REQUEST_TIMEOUT',
  })
  if (server.listenerCount('clientError') > 0) {
    server.emit('clientError', error, socket)
    if (!socket.destroyed) socket.destroy()
    return
  }
  socket.write(REQUEST_TIMEOUT_RESPONSE)
  socket.destroy()
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value))
}
