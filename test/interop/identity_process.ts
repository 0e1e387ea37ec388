/**
 * A real `baton serve identity` process for interop tests: a scratch data dir with keys, a synced
 * SQLite database and keystone-manage-style bootstrap, on a free loopback port.
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { main } from '@baton/cli'

export const ADMIN_PASSWORD = 'interop-admin-pw'
const BATON_BIN = new URL('../../packages/cli/bin/baton.mjs', import.meta.url).pathname

export type IdentityProcess = {
  readonly url: string
  readonly conf: string
  /** OS_* variables for openstackclient / keystoneauth as the bootstrap admin. */
  readonly adminEnv: Record<string, string>
  stop(): Promise<void>
}

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

async function baton(args: string[]): Promise<void> {
  const err: string[] = []
  const status = await main(args, {
    out: () => {},
    err: (line) => err.push(line),
    env: {},
    now: Date.now,
    debug: false,
  })
  if (status !== 0) throw new Error(`baton ${args[0]} failed: ${err.join('\n')}`)
}

export async function startIdentity(extraConfig: readonly string[] = []): Promise<IdentityProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'baton-interop-'))
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const conf = join(dir, 'identity.conf')
  writeFileSync(
    conf,
    [
      '[database]',
      `connection = sqlite:///${join(dir, 'identity.db')}`,
      '[fernet_tokens]',
      `key_repository = ${join(dir, 'fernet-keys')}`,
      ...extraConfig,
      '',
    ].join('\n'),
  )
  await baton(['keys', 'setup', '--config-file', conf])
  await baton(['db', 'sync', '--config-file', conf])
  await baton([
    'bootstrap',
    '--config-file',
    conf,
    '--bootstrap-password',
    ADMIN_PASSWORD,
    '--bootstrap-public-url',
    `${url}/v3/`,
    '--bootstrap-internal-url',
    `${url}/v3/`,
    '--bootstrap-admin-url',
    `${url}/v3/`,
    '--bootstrap-region-id',
    'RegionOne',
  ])
  const child = spawn(
    process.execPath,
    [
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
    { stdio: ['ignore', 'ignore', 'pipe'] },
  )
  const stderr: string[] = []
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()))
  await waitForVersion(url, child, stderr)
  return {
    url,
    conf,
    adminEnv: {
      OS_AUTH_URL: `${url}/v3`,
      OS_IDENTITY_API_VERSION: '3',
      OS_USERNAME: 'admin',
      OS_PASSWORD: ADMIN_PASSWORD,
      OS_PROJECT_NAME: 'admin',
      OS_USER_DOMAIN_NAME: 'Default',
      OS_PROJECT_DOMAIN_NAME: 'Default',
      OS_INTERFACE: 'public',
      OS_REGION_NAME: 'RegionOne',
    },
    stop: () => stopChild(child),
  }
}

async function waitForVersion(url: string, child: ChildProcess, stderr: string[]): Promise<void> {
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`baton serve identity exited ${child.exitCode}: ${stderr.join('')}`)
    }
    try {
      const res = await fetch(`${url}/v3`)
      if (res.status === 200) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  child.kill('SIGKILL')
  throw new Error(`baton serve identity did not answer within 30 s: ${stderr.join('')}`)
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve()
    })
    child.kill('SIGTERM')
  })
}
