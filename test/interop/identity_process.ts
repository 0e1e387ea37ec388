/**
 * A real `baton serve identity` process for interop tests and the bench: a scratch data dir with
 * keys, a synced database (SQLite unless told otherwise) and keystone-manage-style bootstrap, on a
 * free loopback port. The bench adds node flags (`--cpu-prof`), another database and a hook that
 * seeds data between bootstrap and serve.
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { main } from '@baton/cli'
import { freePort } from '../support/servers.ts'
import { stopChild as stopChildAfter, waitForHttp } from './support/child.ts'

export { freePort }

export const ADMIN_PASSWORD = 'interop-admin-pw'
const BATON_BIN = new URL('../../packages/cli/bin/baton.mjs', import.meta.url).pathname

const running = new Set<ChildProcess>()
process.once('exit', () => {
  // a crashed run must not leave a server holding its port
  for (const child of running) child.kill('SIGKILL')
})

export type IdentityProcess = {
  readonly url: string
  readonly conf: string
  readonly dir: string
  readonly pid: number
  /** `[fernet_tokens] key_repository`, for minting tokens the server will accept. */
  readonly keyRepository: string
  /** OS_* variables for openstackclient / keystoneauth as the bootstrap admin. */
  readonly adminEnv: Record<string, string>
  /** Resolves with the supervisor's exit status (or the signal that ended it). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** The last 4000 characters the server wrote to stderr. */
  stderr(): string
  stop(): Promise<void>
}

export type IdentityProcessOptions = {
  /** Parent of the server's scratch dir (default the OS temp dir). */
  readonly scratchDir?: string
  /** `[database] connection`; default a SQLite file in the scratch dir. */
  readonly connection?: string
  readonly nodeArgs?: readonly string[]
  /** Runs after `db sync` and `bootstrap`, before the server starts. */
  readonly prepare?: (conf: string) => Promise<void>
  /** `[fernet_tokens] key_repository` to use as it is (e.g. Keystone's); default a fresh one. */
  readonly keyRepository?: string
  /** `[credential] key_repository` to use as it is (e.g. Keystone's); default a fresh one. */
  readonly credentialKeyRepository?: string
  /** false: no `baton bootstrap` (the database is filled by `prepare`, e.g. an import). */
  readonly bootstrap?: boolean
  /** true: the server serves HTTPS (`[ssl]` in extraConfig); its URL says https. */
  readonly https?: boolean
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

export async function startIdentity(
  extraConfig: readonly string[] = [],
  options: IdentityProcessOptions = {},
): Promise<IdentityProcess> {
  const dir = mkdtempSync(join(options.scratchDir ?? tmpdir(), 'baton-identity-'))
  const port = await freePort()
  const url = `${options.https === true ? 'https' : 'http'}://127.0.0.1:${port}`
  const conf = join(dir, 'identity.conf')
  const keyRepository = options.keyRepository ?? join(dir, 'fernet-keys')
  writeFileSync(
    conf,
    [
      '[database]',
      `connection = ${options.connection ?? `sqlite:///${join(dir, 'identity.db')}`}`,
      '[fernet_tokens]',
      `key_repository = ${keyRepository}`,
      '[credential]',
      `key_repository = ${options.credentialKeyRepository ?? join(dir, 'credential-keys')}`,
      ...extraConfig,
      '',
    ].join('\n'),
    { mode: 0o600 },
  )
  if (options.keyRepository === undefined) await baton(['keys', 'setup', '--config-file', conf])
  if (options.credentialKeyRepository === undefined)
    await baton(['credential', 'setup', '--config-file', conf])
  await baton(['db', 'sync', '--config-file', conf])
  if (options.bootstrap !== false) await bootstrap(conf, url)
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
    // stdout carries the request log; stderr is kept for start-up failures
    { stdio: ['ignore', 'ignore', 'pipe'], cwd: dir },
  )
  running.add(child)
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      running.delete(child)
      resolve({ code, signal })
    }),
  )
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000)
  })
  await waitForHttp(`${url}/v3`, child, () => stderr, 'baton serve identity')
  return {
    url,
    conf,
    dir,
    pid: child.pid ?? 0,
    keyRepository,
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
    exited,
    stderr: () => stderr,
    stop: () => stopChild(child),
  }
}

async function bootstrap(conf: string, url: string): Promise<void> {
  await baton([
    'bootstrap',
    '--config-file',
    conf,
    '--bootstrap-password',
    ADMIN_PASSWORD,
    // all three interfaces, as keystone_process.ts bootstraps Keystone: the same catalog both sides
    '--bootstrap-public-url',
    `${url}/v3/`,
    '--bootstrap-internal-url',
    `${url}/v3/`,
    '--bootstrap-admin-url',
    `${url}/v3/`,
    '--bootstrap-region-id',
    'RegionOne',
  ])
}

/** SIGTERM (the server closes cleanly, so `--cpu-prof` writes its file), SIGKILL after 10 s. */
export function stopChild(child: ChildProcess): Promise<void> {
  return stopChildAfter(child, 10_000)
}
