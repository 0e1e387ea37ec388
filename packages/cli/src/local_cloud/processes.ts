/**
 * The local cloud's programs as child processes (`baton serve <program> --config-file ...`), each
 * logging to its own file, started in chain order and stopped together.
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { openSync } from 'node:fs'
import { createServer } from 'node:net'
import {
  type CloudPlan,
  configPath,
  DEFAULT_PORTS,
  logPath,
  type ProgramName,
  urlOf,
} from './plan.ts'

const BATON_BIN = new URL('../../bin/baton.mjs', import.meta.url).pathname

export type Program = { readonly name: ProgramName; readonly child: ChildProcess }

export function spawnProgram(plan: CloudPlan, name: ProgramName): Program {
  const log = openSync(logPath(plan, name), 'a', 0o600)
  const args = [BATON_BIN, 'serve', name, '--config-file', configPath(plan, name)]
  if (name === 'identity') args.push('--host', plan.host, '--port', String(plan.ports.identity))
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', log, log],
    env: { ...process.env },
  })
  return { name, child }
}

/** Polls the program's version document until it answers (or the process dies). */
export async function waitUntilServing(
  plan: CloudPlan,
  program: Program,
  timeoutMs = 30_000,
): Promise<void> {
  const url =
    program.name === 'identity' ? `${urlOf(plan, 'identity')}/v3` : `${urlOf(plan, program.name)}/`
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (program.child.exitCode !== null) {
      throw new Error(
        `${program.name} exited with status ${program.child.exitCode}; see ${logPath(plan, program.name)}`,
      )
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) })
      await res.arrayBuffer()
      if (res.status < 500) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(
    `${program.name} did not answer within ${timeoutMs / 1000} s; see ${logPath(plan, program.name)}`,
  )
}

export async function stopPrograms(programs: readonly Program[]): Promise<void> {
  await Promise.all(
    [...programs].reverse().map(
      ({ child }) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve()
          const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
          child.once('exit', () => {
            clearTimeout(timer)
            resolve()
          })
          child.kill('SIGTERM')
        }),
    ),
  )
}

function isFree(port: number, host: string): Promise<boolean> {
  return new Promise((done) => {
    const probe = createServer()
    probe.once('error', () => done(false))
    probe.listen(port, host, () => probe.close(() => done(true)))
  })
}

async function anyFreePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, host, () => {
      const address = probe.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      probe.close(() => resolve(port))
    })
  })
}

/** OpenStack's port for each program when free, another free one when not (or always, `anyPorts`). */
export async function choosePorts(
  host: string,
  wanted: Partial<Record<ProgramName, number>>,
  anyPorts = false,
): Promise<Record<ProgramName, number>> {
  const ports = {} as Record<ProgramName, number>
  for (const name of Object.keys(DEFAULT_PORTS) as ProgramName[]) {
    const given = wanted[name]
    if (given !== undefined && given !== 0) ports[name] = given
    else if (!anyPorts && (await isFree(DEFAULT_PORTS[name], host)))
      ports[name] = DEFAULT_PORTS[name]
    else ports[name] = await anyFreePort(host)
  }
  return ports
}
