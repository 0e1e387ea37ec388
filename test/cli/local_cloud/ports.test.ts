/**
 * `baton up`'s ports: a busy usual port is named with the port used instead ("port 5000 is busy;
 * identity uses 5001"), two programs never get the same port, `--any-ports` says nothing, and a
 * port given explicitly that is busy is refused up front. The usual ports are injected (real
 * listeners on loopback), so the test never depends on what else runs on 5000 or 8774.
 */
import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:net'
import { test } from 'node:test'
import { CliErrorCode } from '../../../packages/cli/src/errors.ts'
import { isFree, planPorts } from '../../../packages/cli/src/local_cloud/ports.ts'

async function listen(port = 0): Promise<{ server: Server; port: number }> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  const address = server.address()
  return { server, port: typeof address === 'object' && address !== null ? address.port : 0 }
}

/** Five usual ports: a busy one for identity, then four free ones. */
async function usualPorts(busy: number) {
  const free: number[] = []
  while (free.length < 4) {
    const { server, port } = await listen()
    // away from where identity looks for a port instead of its busy one
    if (port < busy || port > busy + 20) free.push(port)
    server.close()
  }
  return {
    identity: busy,
    compute: free[0] ?? 0,
    volume: free[1] ?? 0,
    image: free[2] ?? 0,
    object: free[3] ?? 0,
  }
}

test('a busy usual port is named with the port used instead', async () => {
  const busy = await listen()
  try {
    const defaults = await usualPorts(busy.port)
    const { ports, notes } = await planPorts({ host: '127.0.0.1', defaults })
    assert.notEqual(ports.identity, busy.port)
    assert.deepEqual(notes, [`port ${busy.port} is busy; identity uses ${ports.identity}`])
    assert.ok(await isFree(ports.identity, '127.0.0.1'), 'the port used instead is free')
    assert.equal(new Set(Object.values(ports)).size, 5, 'five distinct ports')
    assert.equal(ports.compute, defaults.compute, 'free usual ports are used as they are')
  } finally {
    busy.server.close()
  }
})

test('two programs whose usual port is the same never share it', async () => {
  const { server, port } = await listen()
  server.close()
  const defaults = { identity: port, compute: port, volume: port, image: port, object: port }
  const { ports, notes } = await planPorts({ host: '127.0.0.1', defaults })
  assert.equal(ports.identity, port)
  assert.equal(new Set(Object.values(ports)).size, 5)
  assert.equal(notes.length, 4)
  assert.match(notes[0] ?? '', new RegExp(`^port ${port} is busy; compute uses \\d+$`))
})

test('--any-ports chooses free ports without notes', async () => {
  const busy = await listen()
  try {
    const { notes } = await planPorts({
      host: '127.0.0.1',
      anyPorts: true,
      defaults: await usualPorts(busy.port),
    })
    assert.deepEqual(notes, [])
  } finally {
    busy.server.close()
  }
})

test('a busy port given explicitly is refused, naming where it came from', async () => {
  const busy = await listen()
  try {
    await assert.rejects(
      planPorts({
        host: '127.0.0.1',
        fixed: { compute: busy.port },
        fixedBy: { compute: 'your compute.conf' },
      }),
      (error: Error & { code?: string }) =>
        error.code === CliErrorCode.PortBusy &&
        error.message ===
          `port ${busy.port} (your compute.conf) is busy on 127.0.0.1; free it or choose another`,
    )
  } finally {
    busy.server.close()
  }
})
