/**
 * One identity node of a fleet: a real `baton serve identity` process with its own config file and
 * its own key directory, on a fixed loopback port so that HAProxy's server line stays valid across
 * `kill9()` + `start()`. The database and the bootstrap are the fleet's (fleet.ts), not the node's.
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { main } from '@baton/cli'

const BATON_BIN = new URL('../../packages/cli/bin/baton.mjs', import.meta.url).pathname

const running = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL')
})

export type FleetNode = {
  readonly name: string
  readonly port: number
  readonly url: string
  readonly conf: string
  readonly dir: string
  /** Running and answering (between start() and kill9()/stop()). */
  up(): boolean
  /** Spawns the process and waits until GET /v3 answers 200. */
  start(): Promise<void>
  /** SIGKILL: no clean shutdown, requests in flight are cut. */
  kill9(): Promise<void>
  /** SIGTERM, SIGKILL after 10 s. */
  stop(): Promise<void>
  stderr(): string
}

/** Runs one `baton` command in this process (setup steps: keys, db sync, bootstrap). */
export async function batonCommand(args: readonly string[]): Promise<string> {
  const out: string[] = []
  const err: string[] = []
  const status = await main([...args], {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    env: {},
    now: Date.now,
    debug: false,
  })
  if (status !== 0) throw new Error(`baton ${args.slice(0, 2).join(' ')} failed: ${err.join('\n')}`)
  return out.join('\n')
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/v3`)
    await res.arrayBuffer()
    return res.status === 200
  } catch {
    return false
  }
}

export function fleetNode(o: {
  name: string
  port: number
  conf: string
  dir: string
  nodeArgs?: readonly string[]
}): FleetNode {
  const url = `http://127.0.0.1:${o.port}`
  let child: ChildProcess | undefined
  let ready = false
  let stderr = ''
  const exited = (c: ChildProcess) => c.exitCode !== null || c.signalCode !== null
  const waitExit = (c: ChildProcess) =>
    exited(c) ? Promise.resolve() : new Promise<void>((resolve) => c.once('exit', () => resolve()))
  return {
    name: o.name,
    port: o.port,
    url,
    conf: o.conf,
    dir: o.dir,
    up: () => ready,
    stderr: () => stderr,
    async start() {
      const c = spawn(
        process.execPath,
        [
          ...(o.nodeArgs ?? []),
          BATON_BIN,
          'serve',
          'identity',
          '--config-file',
          o.conf,
          '--host',
          '127.0.0.1',
          '--port',
          String(o.port),
        ],
        { stdio: ['ignore', 'ignore', 'pipe'], cwd: o.dir },
      )
      child = c
      running.add(c)
      c.once('exit', () => {
        running.delete(c)
        if (child === c) ready = false
      })
      c.stderr?.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString()).slice(-4000)
      })
      const deadline = Date.now() + 60_000
      while (!(await answers(url))) {
        if (exited(c)) throw new Error(`${o.name} exited ${c.exitCode}: ${stderr}`)
        if (Date.now() > deadline) {
          c.kill('SIGKILL')
          throw new Error(`${o.name} did not answer within 60 s: ${stderr}`)
        }
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      ready = true
    },
    async kill9() {
      const c = child
      if (c === undefined || exited(c)) return
      ready = false
      c.kill('SIGKILL')
      await waitExit(c)
    },
    async stop() {
      const c = child
      if (c === undefined || exited(c)) return
      ready = false
      const timer = setTimeout(() => c.kill('SIGKILL'), 10_000)
      c.kill('SIGTERM')
      await waitExit(c)
      clearTimeout(timer)
    },
  }
}
