/**
 * A real `baton serve identity` process for the bench, set up like test/interop/identity_process.ts
 * (keys setup, db sync, bootstrap through the CLI's `main`) but with what measuring needs: the
 * server's pid (peak RSS from /proc), extra node flags (`--cpu-prof`), any `[database] connection`
 * (PostgreSQL), and a `prepare` hook that runs between bootstrap and serve (bulk seeding).
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { main } from '@baton/cli'
import { freePort } from '../../test/support/servers.ts'

export const BATON_ADMIN_PASSWORD = 'bench-admin-pw'
const BATON_BIN = new URL('../../packages/cli/bin/baton.mjs', import.meta.url).pathname

const running = new Set<ChildProcess>()
process.once('exit', () => {
  // A crashed bench must not leave a server holding its port.
  for (const child of running) child.kill('SIGKILL')
})

export type BatonIdentity = {
  readonly url: string
  readonly pid: number
  readonly conf: string
  readonly dir: string
  /** `[fernet_tokens] key_repository`, for minting tokens the server will accept. */
  readonly keyRepository: string
  /** VmHWM of the server process in MiB (Linux), or null when /proc cannot tell. */
  peakRssMiB(): number | null
  stop(): Promise<void>
}

export type BatonIdentityOptions = {
  /** Parent of the server's scratch dir. */
  readonly scratchDir: string
  /** `[database] connection`; default a SQLite file in the scratch dir. */
  readonly connection?: string
  /** Whole config sections appended to identity.conf. */
  readonly extraConfig?: readonly string[]
  readonly nodeArgs?: readonly string[]
  /** Runs after `db sync` and `bootstrap`, before the server starts. */
  readonly prepare?: (conf: string) => Promise<void>
}

async function baton(args: string[]): Promise<void> {
  const err: string[] = []
  const status = await main(args, {
    out: () => {},
    err: (line) => err.push(line),
    env: {},
    now: Date.now,
    debug: false,
  })
  if (status !== 0) throw new Error(`baton ${args.slice(0, 2).join(' ')} failed: ${err.join('\n')}`)
}

export function peakRssMiB(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kib = /^VmHWM:\s+(\d+)\s+kB/m.exec(status)?.[1]
    return kib === undefined ? null : Number(kib) / 1024
  } catch {
    return null
  }
}

export async function startBatonIdentity(options: BatonIdentityOptions): Promise<BatonIdentity> {
  const dir = mkdtempSync(join(options.scratchDir, 'identity-'))
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const conf = join(dir, 'identity.conf')
  const keyRepository = join(dir, 'fernet-keys')
  writeFileSync(
    conf,
    [
      '[database]',
      `connection = ${options.connection ?? `sqlite:///${join(dir, 'identity.db')}`}`,
      '[fernet_tokens]',
      `key_repository = ${keyRepository}`,
      ...(options.extraConfig ?? []),
      '',
    ].join('\n'),
    { mode: 0o600 },
  )
  await baton(['keys', 'setup', '--config-file', conf])
  await baton(['db', 'sync', '--config-file', conf])
  await baton([
    'bootstrap',
    '--config-file',
    conf,
    '--bootstrap-password',
    BATON_ADMIN_PASSWORD,
    // All three interfaces, as test/interop/keystone_process.ts bootstraps Keystone: the same
    // catalog on both sides of an issue comparison.
    '--bootstrap-public-url',
    `${url}/v3/`,
    '--bootstrap-internal-url',
    `${url}/v3/`,
    '--bootstrap-admin-url',
    `${url}/v3/`,
    '--bootstrap-region-id',
    'RegionOne',
  ])
  await options.prepare?.(conf)
  const child = spawn(
    process.execPath,
    [
      ...(options.nodeArgs ?? []),
      BATON_BIN,
      'serve',
      'identity',
      '--config-file',
      conf,
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
    ],
    // stdout carries the request log; the bench keeps only stderr, for start-up failures.
    { stdio: ['ignore', 'ignore', 'pipe'], cwd: dir },
  )
  running.add(child)
  child.once('exit', () => running.delete(child))
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000)
  })
  await waitForVersion(url, child, () => stderr)
  const pid = child.pid ?? 0
  return {
    url,
    pid,
    conf,
    dir,
    keyRepository,
    peakRssMiB: () => peakRssMiB(pid),
    stop: () => stopChild(child),
  }
}

async function waitForVersion(url: string, child: ChildProcess, stderr: () => string) {
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`baton serve identity exited ${child.exitCode}: ${stderr()}`)
    }
    try {
      const res = await fetch(`${url}/v3`)
      await res.arrayBuffer()
      if (res.status === 200) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  child.kill('SIGKILL')
  throw new Error(`baton serve identity did not answer within 60 s: ${stderr()}`)
}

/** SIGTERM (the server closes cleanly, so `--cpu-prof` writes its file), SIGKILL after 10 s. */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve()
    })
    child.kill('SIGTERM')
  })
}
