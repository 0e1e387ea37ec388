/**
 * Real throw-away memcached and Redis servers for cache tests: each on a free loopback port, ready
 * when it accepts connections, killed on `stop()` and on process exit. `null` when the binary is not
 * installed, so a test can skip with an install hint. `pause()` (SIGSTOP) makes a hung server.
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'

export const MEMCACHED_BIN = '/usr/bin/memcached'
export const REDIS_BIN = '/usr/bin/redis-server'

export type ServerHandle = {
  readonly port: number
  /** Kills the server (SIGTERM, then SIGKILL) and waits for it to exit. */
  stop(): Promise<void>
  /** Starts the same server again on the same port. */
  restart(): Promise<void>
  /** SIGSTOP, resolved once the process is stopped: the port still accepts, nothing answers. */
  pause(): Promise<void>
  resume(): void
}
export type MemcachedHandle = ServerHandle & { readonly servers: string[] }
export type RedisHandle = ServerHandle & { readonly url: string }

const running = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL')
})

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

/** Spawns the server and waits until its port accepts connections (or it dies). */
async function launch(bin: string, args: string[], port: number): Promise<ChildProcess> {
  const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  running.add(child)
  child.once('exit', () => running.delete(child))
  for (let waited = 0; waited < 10_000; waited += 25) {
    if (child.exitCode !== null || child.signalCode !== null) break
    if (await accepts(port)) return child
    await sleep(25)
  }
  child.kill('SIGKILL')
  throw new Error(`${bin} did not start on port ${port}: ${stderr.trim()}`)
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGCONT') // a paused process would not act on SIGTERM
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000)
  await exited
  clearTimeout(timer)
}

/** Sends SIGSTOP and waits until the kernel reports the process stopped (Linux /proc, else 100 ms). */
async function stopped(child: ChildProcess): Promise<void> {
  child.kill('SIGSTOP')
  const stat = `/proc/${child.pid}/stat`
  if (!existsSync(stat)) return sleep(100)
  for (let waited = 0; waited < 2000; waited += 5) {
    // Field 3 of /proc/PID/stat is the state; T = stopped by a signal.
    if (/^\d+ \(.*\) T /.test(readFileSync(stat, 'utf8'))) return
    await sleep(5)
  }
  throw new Error(`process ${child.pid} did not stop`)
}

async function startServer(
  bin: string,
  argsFor: (port: number) => string[],
): Promise<ServerHandle> {
  // A free port can be taken between the probe and the spawn: try a few.
  let lastError: unknown
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const port = await freePort()
    try {
      let child = await launch(bin, argsFor(port), port)
      return {
        port,
        stop: () => kill(child),
        async restart() {
          await kill(child)
          child = await launch(bin, argsFor(port), port)
        },
        pause: () => stopped(child),
        resume: () => void child.kill('SIGCONT'),
      }
    } catch (error) {
      lastError = error
    }
  }
  throw lastError
}

export async function startMemcached(): Promise<MemcachedHandle | null> {
  if (!existsSync(MEMCACHED_BIN)) return null
  // memcached refuses to run as root unless told which user to run as.
  const asRoot = process.getuid?.() === 0 ? ['-u', 'root'] : []
  const handle = await startServer(MEMCACHED_BIN, (port) => [
    '-l',
    '127.0.0.1',
    '-p',
    String(port),
    '-U',
    '0',
    '-m',
    '16',
    ...asRoot,
  ])
  return Object.assign(handle, { servers: [`127.0.0.1:${handle.port}`] })
}

export async function startRedis(o: { password?: string } = {}): Promise<RedisHandle | null> {
  if (!existsSync(REDIS_BIN)) return null
  const auth = o.password === undefined ? [] : ['--requirepass', o.password]
  const handle = await startServer(REDIS_BIN, (port) => [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    ...auth,
  ])
  const credentials = o.password === undefined ? '' : `:${encodeURIComponent(o.password)}@`
  return Object.assign(handle, { url: `redis://${credentials}127.0.0.1:${handle.port}` })
}

export const MEMCACHED_MISSING = 'memcached not installed: apt-get install memcached'
export const REDIS_MISSING = 'redis-server not installed: apt-get install redis-server'
