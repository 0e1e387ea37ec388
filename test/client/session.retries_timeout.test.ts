/**
 * Sending: connection failures are retried with exponential backoff (none by default, like
 * keystoneauth's Session), HTTP statuses are not (503 only when asked), and a timeout is a
 * RequestTimeout that is never retried.
 * @module
 */
import assert from 'node:assert/strict'
import { createServer as createHttpServer } from 'node:http'
import { createServer, type Server } from 'node:net'
import { test } from 'node:test'
import {
  ConnectFailure,
  RequestTimeout,
  ServiceUnavailable,
  Session,
} from '../../packages/client/src/index.ts'
import { freePort, json, startLoopback } from './support.ts'

/** A TCP server that accepts and immediately resets every connection ("socket hang up"). */
async function resetting(): Promise<{ url: string; connections: () => number; server: Server }> {
  let connections = 0
  const server = createServer((socket) => {
    connections += 1
    socket.resetAndDestroy()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  return { url: `http://127.0.0.1:${port}`, connections: () => connections, server }
}

test('a closed port: connectRetries attempts more, with doubling delays, then ConnectFailure', async () => {
  const url = `http://127.0.0.1:${await freePort()}/v3`
  const warnings: string[] = []
  const session = new Session({
    connectRetries: 3,
    connectRetryDelayMs: 20,
    logger: { warn: (m) => warnings.push(m) },
  })
  const started = performance.now()
  await assert.rejects(session.request(url), (e: Error) => {
    assert.ok(e instanceof ConnectFailure)
    assert.match(e.message, /ECONNREFUSED/)
    return true
  })
  const elapsed = performance.now() - started
  assert.equal(warnings.length, 3)
  assert.deepEqual(
    warnings.map((w) => w.match(/Retrying in ([\d.]+) s/)?.[1]),
    ['0.02', '0.04', '0.08'],
  )
  assert.ok(elapsed >= 140, `waited ${elapsed} ms`)
})

test('a reset connection is retried: the server sees connectRetries + 1 connections', async () => {
  const target = await resetting()
  try {
    await assert.rejects(
      new Session({ connectRetries: 2, connectRetryDelayMs: 5 }).request(target.url),
      ConnectFailure,
    )
    assert.equal(target.connections(), 3)
    await assert.rejects(new Session().request(target.url), ConnectFailure)
    assert.equal(target.connections(), 4, 'no retries by default')
    await assert.rejects(
      new Session({ connectRetries: 5 }).request(target.url, { connectRetries: 0 }),
      ConnectFailure,
    )
    assert.equal(target.connections(), 5, 'the request option wins')
  } finally {
    target.server.close()
  }
})

test('a retry that reaches a server succeeds', async () => {
  const port = await freePort()
  const session = new Session({ connectRetries: 10, connectRetryDelayMs: 30 })
  const pending = session.request(`http://127.0.0.1:${port}/late`)
  await new Promise((resolve) => setTimeout(resolve, 50))
  const late = createHttpServer((_req, res) => json(res, 200, { late: true }))
  await new Promise<void>((resolve) => late.listen(port, '127.0.0.1', resolve))
  try {
    const res = await pending
    assert.deepEqual(res.json(), { late: true })
  } finally {
    late.closeAllConnections()
    late.close()
  }
})

test('503 is not retried unless statusCodeRetries says so', async () => {
  const service = await startLoopback((_r, res) =>
    json(res, 503, { error: { code: 503, title: 'x', message: 'busy' } }),
  )
  try {
    const session = new Session({ connectRetries: 3, connectRetryDelayMs: 5 })
    await assert.rejects(session.request(`${service.url}/a`), ServiceUnavailable)
    assert.equal(service.received.length, 1)
    await assert.rejects(
      session.request(`${service.url}/b`, { statusCodeRetries: 2 }),
      ServiceUnavailable,
    )
    assert.equal(service.received.length, 4)
  } finally {
    await service.close()
  }
})

test('no answer within timeoutMs is a RequestTimeout, sent once even with retries allowed', async () => {
  const held: (() => void)[] = []
  const service = await startLoopback((_r, res) => held.push(() => json(res, 200, {})))
  try {
    const session = new Session({ timeoutMs: 150, connectRetries: 3, connectRetryDelayMs: 5 })
    const started = performance.now()
    await assert.rejects(session.request(`${service.url}/slow`), (e: Error) => {
      assert.ok(e instanceof RequestTimeout)
      assert.match(e.message, /timed out after 150 ms/)
      return true
    })
    const elapsed = performance.now() - started
    assert.ok(elapsed >= 140 && elapsed < 2000, `took ${elapsed} ms`)
    assert.equal(service.received.length, 1)
    // a per-request timeout overrides the session's
    const quick = new Session({ timeoutMs: 60_000 })
    await assert.rejects(quick.request(`${service.url}/slow2`, { timeoutMs: 50 }), RequestTimeout)
  } finally {
    for (const release of held) release()
    await service.close()
  }
})
