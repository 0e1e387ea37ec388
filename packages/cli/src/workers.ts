/**
 * Several server processes on one port (node:cluster), like uwsgi workers in front of Keystone.
 * The primary only supervises: it forks, restarts a worker that dies unexpectedly (with a limit,
 * so a crash loop ends instead of spinning), and on SIGINT/SIGTERM stops them all. Giving up is a
 * failure (status 1), so a process manager (systemd `Restart=on-failure`) restarts the service.
 * @module
 */
import cluster from 'node:cluster'
import type { CliIo } from './io.ts'

const MAX_RESTARTS_PER_MINUTE = 5

/**
 * In the primary with `workers > 1`: forks and supervises, resolving to the exit status when all
 * are gone. In a worker (or with one worker): runs `serve` and resolves when it stops.
 */
export async function runWorkers(
  workers: number,
  serve: () => Promise<{ closed: Promise<void> }>,
  io: CliIo,
): Promise<number> {
  if (workers <= 1 || !cluster.isPrimary) {
    const server = await serve()
    await server.closed
    // A worker's IPC channel to the supervisor would keep it alive after its server closed.
    if (cluster.isWorker) cluster.worker?.disconnect()
    return 0
  }
  return supervise(workers, io)
}

function supervise(workers: number, io: CliIo): Promise<number> {
  let stopping = false
  let gaveUp = false
  const restarts: number[] = []
  return new Promise((resolve) => {
    const stop = () => {
      stopping = true
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM')
    }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
    cluster.on('exit', (worker, code, signal) => {
      const alive = Object.keys(cluster.workers ?? {}).length
      if (stopping || code === 0) {
        if (alive === 0) resolve(gaveUp ? 1 : stopping ? 0 : code)
        return
      }
      const now = io.now()
      restarts.push(now)
      while ((restarts[0] ?? now) < now - 60_000) restarts.shift()
      io.err(`baton: worker ${worker.process.pid} exited (${signal ?? `status ${code}`})`)
      if (restarts.length > MAX_RESTARTS_PER_MINUTE) {
        io.err('baton: workers keep dying; stopping (see the log above for why)')
        gaveUp = true
        stop()
        if (alive === 0) resolve(1)
        return
      }
      cluster.fork()
    })
    for (let i = 0; i < workers; i++) cluster.fork()
  })
}
