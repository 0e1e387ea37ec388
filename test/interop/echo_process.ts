/**
 * A real `baton serve echo` process: Baton's auth middleware, configured by a `[keystone_authtoken]`
 * file, guarding a service that answers with the identity headers it received.
 * @module
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const BATON_BIN = new URL('../../packages/cli/bin/baton.mjs', import.meta.url).pathname

export type EchoProcess = {
  readonly url: string
  readonly stderr: () => string
  stop(): Promise<void>
}

export async function startBatonEcho(
  configLines: readonly string[],
  /** Extra environment variables (OTEL_*, ...) for the process. */
  env: Readonly<Record<string, string>> = {},
): Promise<EchoProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'baton-echo-'))
  const conf = join(dir, 'echo.conf')
  // the config holds the service user's password: owner only, and removed on stop
  writeFileSync(conf, `${configLines.join('\n')}\n`, { mode: 0o600 })
  const child = spawn(
    process.execPath,
    [BATON_BIN, 'serve', 'echo', '--config-file', conf, '--port', '0'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, ...env },
    },
  )
  let err = ''
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`baton serve echo did not start: ${err}`)),
      20_000,
    )
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString()
      const m = /echo listening on (http:\/\/\S+)/.exec(err)
      if (m?.[1] !== undefined) {
        clearTimeout(timer)
        resolve(m[1])
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`baton serve echo exited ${code}: ${err}`))
    })
  })
  return {
    url,
    stderr: () => err,
    stop: () =>
      new Promise<void>((resolve) => {
        const done = () => {
          rmSync(dir, { recursive: true, force: true })
          resolve()
        }
        if (child.exitCode !== null) return done()
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
        child.once('exit', () => {
          clearTimeout(timer)
          done()
        })
        child.kill('SIGTERM')
      }),
  }
}
