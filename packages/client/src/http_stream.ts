/**
 * One HTTP exchange whose bodies stream: the request body is sent honouring backpressure
 * (node:http, waiting for `drain`), because Node 20's fetch reads an async-iterable body far ahead
 * of the socket, holding a whole image in memory on its way to the object service. The response
 * body is left unread for the caller to pipe on or read as text. No retries: a streamed body
 * cannot be sent twice (the Session decides about the one 401 resend).
 * @module
 */
import type { IncomingMessage } from 'node:http'
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { ConnectFailure } from './errors.ts'
import { type ClientTls, tlsFailure } from './tls.ts'

export type OutgoingStream = {
  readonly method: string
  readonly url: string
  readonly headers: Record<string, string>
  readonly body: AsyncIterable<Uint8Array> | undefined
  readonly signal: AbortSignal | undefined
  /** cafile/certfile/keyfile/insecure for an https URL. */
  readonly tls?: ClientTls | undefined
}

/** An answer whose body is still to be read. */
export type StreamResponse = {
  readonly status: number
  readonly url: string
  header(name: string): string | undefined
  /** The unread body, to pipe on. */
  readonly body: IncomingMessage
  /** Reads the body whole (error pages, empty answers). */
  text(): Promise<string>
}

/**
 * Resolves with the answer once its headers arrive. Fails with ConnectFailure when no answer
 * came; an error thrown by the body's own iterator, or the abort of `signal`, is passed on as it is.
 */
export function sendStream(req: OutgoingStream): Promise<StreamResponse> {
  const target = new URL(req.url)
  const secure = target.protocol === 'https:'
  const send = secure ? httpsRequest : httpRequest
  const { body, signal } = req
  const agent = secure && req.tls !== undefined ? { agent: req.tls.httpsAgent } : {}
  return new Promise((resolve, reject) => {
    let answered = false
    let written = body === undefined
    let sourceError: unknown
    const out = send(
      target,
      {
        method: req.method,
        headers: req.headers,
        ...agent,
        ...(signal === undefined ? {} : { signal }),
      },
      (res) => {
        answered = true
        resolve({
          status: res.statusCode ?? 0,
          url: req.url,
          header: (name) => {
            const value = res.headers[name.toLowerCase()]
            return Array.isArray(value) ? value.join(', ') : value
          },
          body: res,
          async text() {
            const chunks: Buffer[] = []
            for await (const chunk of res) chunks.push(chunk as Buffer)
            // answered before taking all the data (a refusal): this connection cannot be reused
            if (!written) out.destroy()
            return Buffer.concat(chunks).toString('utf8')
          },
        })
      },
    )
    out.on('error', (error) => {
      if (sourceError !== undefined || signal?.aborted === true) {
        reject(sourceError ?? error)
        return
      }
      reject(
        tlsFailure(req.url, error, req.tls) ??
          new ConnectFailure(`Unable to establish connection to ${req.url}: ${error.message}`, {
            cause: error,
          }),
      )
    })
    if (body === undefined) {
      out.end()
      return
    }
    void (async () => {
      try {
        for await (const chunk of body) {
          if (answered || out.destroyed) return
          if (!out.write(chunk)) await drained(out)
        }
        written = true
        out.end()
      } catch (error) {
        sourceError = error
        out.destroy(error instanceof Error ? error : new Error(String(error)))
      }
    })()
  })
}

/** Resolves on `drain`, or on `close` (a destroyed request never drains). */
function drained(req: NodeJS.EventEmitter): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      req.off('drain', done)
      req.off('close', done)
      resolve()
    }
    req.once('drain', done)
    req.once('close', done)
  })
}
