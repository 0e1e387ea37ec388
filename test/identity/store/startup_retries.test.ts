/**
 * oslo.db's `[database] max_retries` / `retry_interval` at startup: a database server that is not
 * reachable yet (refused connections) is waited for, as many times as configured; with
 * `max_retries = 0` the first refusal ends startup. The "database" is MariaDB behind a loopback
 * proxy that starts listening a moment after the store first tries it.
 * @module
 */
import assert from 'node:assert/strict'
import { createConnection, createServer, type Server } from 'node:net'
import { after, before, describe, test } from 'node:test'
import { loadConfig } from '@baton/config'
import { identityOptionGroups, openCurrentStoreWithRetry } from '@baton/identity'
import { migrateToLatest } from '../../../packages/identity/src/store/index.ts'
import { freshMysqlDatabase, MYSQL_SKIP, type TestDb } from './store.fixtures.ts'

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

/** Listens on `port` from `delayMs` on, piping every connection to `target`. */
function lateProxy(port: number, target: URL, delayMs: number): { stop(): Promise<void> } {
  let server: Server | undefined
  const sockets = new Set<{ destroy(): void }>()
  const timer = setTimeout(() => {
    server = createServer((client) => {
      sockets.add(client)
      const upstream = createConnection(Number(target.port || 3306), target.hostname)
      sockets.add(upstream)
      client.pipe(upstream).pipe(client)
      client.on('error', () => upstream.destroy())
      upstream.on('error', () => client.destroy())
    })
    server.listen(port, '127.0.0.1')
  }, delayMs)
  return {
    async stop() {
      clearTimeout(timer)
      for (const socket of sockets) socket.destroy()
      if (server) await new Promise<void>((resolve) => server?.close(() => resolve()))
    },
  }
}

describe('startup waits for an unreachable database ([database] max_retries)', {
  skip: MYSQL_SKIP,
}, () => {
  let db: TestDb
  before(async () => {
    db = await freshMysqlDatabase()
    await migrateToLatest(db.database)
  })
  after(() => db.close())

  function configFor(url: string, maxRetries: number) {
    return loadConfig({
      files: [],
      overrides: {
        database: { connection: url, max_retries: String(maxRetries), retry_interval: '1' },
      },
      groups: identityOptionGroups,
    })
  }

  test('a server that comes up within the retries is used', async () => {
    const port = await freePort()
    const proxy = lateProxy(port, new URL(db.url), 1500)
    const url = new URL(db.url)
    url.port = String(port)
    try {
      const opened = await openCurrentStoreWithRetry(
        configFor(url.toString(), 5),
        undefined,
        () => {},
      )
      assert.equal(await opened.store.generation.current(), 0)
      await opened.database.close()
    } finally {
      await proxy.stop()
    }
  })

  test('with max_retries = 0 the first refusal ends startup', async () => {
    const port = await freePort()
    const url = new URL(db.url)
    url.port = String(port)
    await assert.rejects(
      openCurrentStoreWithRetry(configFor(url.toString(), 0), undefined, () => {}),
      /unreachable \(ECONNREFUSED\) after 1 attempts/,
    )
  })
})
