/**
 * The Python keystonemiddleware (Debian's python3-keystonemiddleware) `auth_token.AuthProtocol`
 * guarding a WSGI echo app (fixtures/authtoken_echo_app.py) on a free loopback port: the reference
 * receiving side that Baton's middleware and `baton serve echo` must match.
 * @module
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { childEnv, logTail, spawnLogged, stopChild } from './support/child.ts'

/** Debian's interpreter: the pyenv python3 on PATH lacks the OpenStack modules. */
export const PYTHON3 = '/usr/bin/python3'
const ECHO_APP = new URL('./fixtures/authtoken_echo_app.py', import.meta.url).pathname

export type PythonAuthtoken = {
  readonly url: string
  /** The middleware's log (KSM at INFO, no tokens). */
  readonly logPath: string
  stop(): Promise<void>
}

function probe(): string | false {
  const result = spawnSync(PYTHON3, ['-c', 'import keystonemiddleware.auth_token'], {
    env: childEnv(),
    encoding: 'utf8',
    timeout: 30_000,
  })
  if (result.error !== undefined) return `${PYTHON3} cannot run: ${result.error.message}`
  if (result.status !== 0) {
    return 'Python keystonemiddleware is not importable by /usr/bin/python3: apt-get install python3-keystonemiddleware'
  }
  return false
}

/** Why the Python middleware cannot run here, or false when it can (probed once, on import). */
export const pythonAuthtokenMissing: string | false = probe()

/**
 * Starts the echo app behind KSM with `configLines` (a `[keystone_authtoken]` section) as its
 * config file. Resolves null when keystonemiddleware is not installed.
 */
export async function startPythonAuthtoken(o: {
  configLines: readonly string[]
}): Promise<PythonAuthtoken | null> {
  if (pythonAuthtokenMissing !== false) return null
  const dir = mkdtempSync(join(tmpdir(), 'baton-ksm-'))
  const conf = join(dir, 'authtoken.conf')
  const logPath = join(dir, 'authtoken.log')
  writeFileSync(conf, `${o.configLines.join('\n')}\n`, { mode: 0o600 })
  writeFileSync(logPath, '')
  const child = spawnLogged(
    PYTHON3,
    [ECHO_APP, conf],
    childEnv({ PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' }),
    logPath,
  )
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    const match = /echo listening on (http:\/\/\S+)/.exec(readFileSync(logPath, 'utf8'))
    if (match?.[1] !== undefined) {
      return { url: match[1], logPath, stop: () => stopChild(child) }
    }
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`keystonemiddleware echo exited (${child.exitCode}):\n${logTail(logPath)}`)
    }
    await sleep(100)
  }
  await stopChild(child)
  throw new Error(`keystonemiddleware echo did not start within 30 s:\n${logTail(logPath)}`)
}
