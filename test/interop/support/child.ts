/**
 * Child-process plumbing shared by the interop harnesses: commands and servers whose output goes
 * to a log file in a scratch dir, readiness polling, stopping, and the log's tail for failures.
 * @module
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { appendFileSync, closeSync, existsSync, openSync, readFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'

const running = new Set<ChildProcess>()
process.once('exit', () => {
  // A failed test must not leave a server holding its port.
  for (const child of running) child.kill('SIGKILL')
})

/** The last `lines` lines of a log file (empty when it does not exist). */
export function logTail(path: string, lines = 40): string {
  if (!existsSync(path)) return ''
  return readFileSync(path, 'utf8').split('\n').slice(-lines).join('\n')
}

/** A minimal environment plus `extra`: the harness must not depend on the caller's OS_* vars. */
export function childEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    LANG: 'C.UTF-8',
    ...extra,
  }
}

/** Runs a command to completion, its output appended to `logPath`; throws with the log's tail. */
export function runLogged(
  command: string,
  args: readonly string[],
  env: Record<string, string>,
  logPath: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(command, [...args], { env, timeout: 120_000 }, (error, stdout, stderr) => {
      appendFileSync(logPath, `$ ${command} ${args[0] ?? ''} ...\n${stdout}${stderr}`)
      if (error === null) return resolve()
      reject(new Error(`${command} failed (${String(error.code)}):\n${logTail(logPath)}`))
    })
  })
}

/** Starts a long-running server with stdout and stderr appended to `logPath`. */
export function spawnLogged(
  command: string,
  args: readonly string[],
  env: Record<string, string>,
  logPath: string,
): ChildProcess {
  const fd = openSync(logPath, 'a')
  const child = spawn(command, [...args], { env, stdio: ['ignore', fd, fd] })
  closeSync(fd)
  running.add(child)
  child.once('exit', () => running.delete(child))
  return child
}

/** Polls `url` until it answers `status`; throws (after killing the child) with the log's tail. */
export async function waitForHttp(
  url: string,
  child: ChildProcess,
  /** What the child said so far (a log's tail), for the error when it dies or stays silent. */
  output: () => string,
  what: string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${what} exited (${child.exitCode ?? child.signalCode}):\n${output()}`)
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5000) })
      await res.arrayBuffer()
      if (res.status === 200) return
    } catch {
      // not listening yet
    }
    await sleep(150)
  }
  await stopChild(child)
  throw new Error(`${what} did not answer ${url} within ${timeoutMs} ms:\n${output()}`)
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the child has exited. */
export function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve()
    })
    child.kill('SIGTERM')
  })
}
