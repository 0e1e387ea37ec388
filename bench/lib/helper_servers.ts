/**
 * The bench's own small node:http servers (bench/servers/*.mjs): the fixed-body ceiling and the
 * unguarded echo. Each runs as its own process, like the servers it is compared with, and says
 * `listening on <url>` on stdout when ready.
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { stopChild } from './baton_identity.ts'

export type HelperServer = { readonly url: string; stop(): Promise<void> }

const SERVERS = new URL('../servers/', import.meta.url)

const running = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL')
})

export function startHelperServer(
  script: 'fixed_body.mjs' | 'plain_echo.ts',
  args: readonly string[] = [],
): Promise<HelperServer> {
  // a .ts helper runs through tsx (module loading only: requests never touch the loader)
  const loader = script.endsWith('.ts') ? ['--import', 'tsx'] : []
  const child = spawn(process.execPath, [...loader, new URL(script, SERVERS).pathname, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  running.add(child)
  child.once('exit', () => running.delete(child))
  let out = ''
  let err = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    err = (err + chunk.toString()).slice(-2000)
  })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${script} did not start: ${err}`))
    }, 10_000)
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1]
      if (url !== undefined) {
        clearTimeout(timer)
        resolve({ url, stop: () => stopChild(child) })
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${script} exited ${String(code)}: ${err}`))
    })
  })
}
