/**
 * Slow HTTP clients for deadline tests: raw sockets that send headers, part of a body, then a byte
 * every so often (or headers a byte at a time), and record what the server answers and when it
 * closes the connection.
 * @module
 */
import { connect, type Socket } from 'node:net'

export type SlowClient = {
  /** Resolves when the server closes the connection, with what it sent and when. */
  readonly closed: Promise<{ response: string; afterMs: number }>
  destroy(): void
}

export function slowBodyClient(
  url: string,
  o: { path: string; declared: number; first: number; trickleMs: number },
): SlowClient {
  const head =
    `POST ${o.path} HTTP/1.1\r\nHost: ${new URL(url).host}\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${o.declared}\r\n\r\n`
  return slowClient(url, head, 'a', o.trickleMs, `{"x": "${'a'.repeat(Math.max(0, o.first - 8))}`)
}

export function slowHeaderClient(url: string, trickleMs: number): SlowClient {
  return slowClient(
    url,
    `GET /v3 HTTP/1.1\r\nHost: ${new URL(url).host}\r\n`,
    'X',
    trickleMs,
    'x-slow: ',
  )
}

function slowClient(
  url: string,
  first: string,
  drip: string,
  trickleMs: number,
  afterFirst = '',
): SlowClient {
  const { hostname, port } = new URL(url)
  const started = Date.now()
  const socket: Socket = connect(Number(port), hostname)
  let response = ''
  let timer: NodeJS.Timeout | undefined
  socket.on('connect', () => {
    socket.write(first)
    // the rest a moment later, as a separate read on the server
    if (afterFirst !== '') setTimeout(() => socket.writable && socket.write(afterFirst), 100)
    timer = setInterval(() => {
      if (socket.writable) socket.write(drip)
    }, trickleMs)
  })
  socket.on('data', (chunk: Buffer) => {
    response += chunk.toString('latin1')
  })
  socket.on('error', () => {})
  const closed = new Promise<{ response: string; afterMs: number }>((resolve) =>
    socket.on('close', () => {
      clearInterval(timer)
      resolve({ response, afterMs: Date.now() - started })
    }),
  )
  return {
    closed,
    destroy: () => {
      clearInterval(timer)
      socket.destroy()
    },
  }
}
