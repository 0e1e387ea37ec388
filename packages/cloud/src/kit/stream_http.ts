/**
 * One HTTP exchange with a streamed request body that honours backpressure (node:http, waiting
 * for `drain`): Node 20's fetch reads an async-iterable body far ahead of the socket, holding a
 * whole image in memory on its way to the object service. The response body is left unread for
 * the caller to stream on or read as text.
 * @module
 */
import type { IncomingMessage } from 'node:http'
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'

export type HopResponse = {
  readonly status: number
  header(name: string): string | undefined
  /** The unread body, to pipe on. */
  readonly body: IncomingMessage
  /** Reads the body whole (error pages, empty answers). */
  text(): Promise<string>
}

export function streamRequest(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: AsyncIterable<Uint8Array>,
  signal?: AbortSignal,
): Promise<HopResponse> {
  const target = new URL(url)
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest
  return new Promise((resolve, reject) => {
    let answered = false
    let written = body === undefined
    const req = send(
      target,
      { method, headers, ...(signal === undefined ? {} : { signal }) },
      (res) => {
        answered = true
        resolve({
          status: res.statusCode ?? 0,
          header: (name) => {
            const value = res.headers[name.toLowerCase()]
            return Array.isArray(value) ? value.join(', ') : value
          },
          body: res,
          async text() {
            const chunks: Buffer[] = []
            for await (const chunk of res) chunks.push(chunk as Buffer)
            // answered before taking all the data (a refusal): this connection cannot be reused
            if (!written) req.destroy()
            return Buffer.concat(chunks).toString('utf8')
          },
        })
      },
    )
    req.on('error', reject)
    if (body === undefined) {
      req.end()
      return
    }
    void (async () => {
      try {
        for await (const chunk of body) {
          if (answered || req.destroyed) return
          if (!req.write(chunk)) await drained(req)
        }
        written = true
        req.end()
      } catch (error) {
        req.destroy(error instanceof Error ? error : new Error(String(error)))
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
