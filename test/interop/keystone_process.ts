/**
 * The real Keystone 22 (Debian's python3-keystone) under uwsgi for interop tests: a scratch dir
 * with keystone.conf (SQLite, Fernet keys, credential keys), `keystone-manage db_sync`,
 * `fernet_setup`, `credential_setup` and `bootstrap`, served on a free loopback port. The control against which Baton is compared.
 * @module
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'
import { freePort } from '../support/servers.ts'
import {
  childEnv,
  logTail,
  runLogged,
  spawnLogged,
  stopChild,
  waitForHttp,
} from './support/child.ts'

export const KEYSTONE_MANAGE = '/usr/bin/keystone-manage'
export const KEYSTONE_WSGI = '/usr/bin/keystone-wsgi-public'
export const UWSGI = '/usr/bin/uwsgi'
export const UWSGI_PYTHON3_PLUGIN = '/usr/lib/uwsgi/plugins/python3_plugin.so'
const PYTHON3 = '/usr/bin/python3'
export const KEYSTONE_ADMIN_PASSWORD = 'interop-keystone-admin-pw'

export type KeystoneProcess = {
  readonly url: string
  readonly dir: string
  readonly conf: string
  /** uwsgi's and Keystone's output (keystone-manage's too). */
  readonly logPath: string
  /** OS_* variables for openstackclient / keystoneauth as the bootstrap admin. */
  readonly adminEnv: Record<string, string>
  stop(): Promise<void>
}

/** Why the real Keystone cannot run here, or false when it can. */
export const keystoneMissing: string | false = !existsSync(KEYSTONE_MANAGE)
  ? `${KEYSTONE_MANAGE} not found: apt-get install python3-keystone keystone`
  : !existsSync(KEYSTONE_WSGI)
    ? `${KEYSTONE_WSGI} not found: apt-get install python3-keystone keystone`
    : !existsSync(UWSGI) || !existsSync(UWSGI_PYTHON3_PLUGIN)
      ? 'uwsgi with its python3 plugin not found: apt-get install uwsgi uwsgi-plugin-python3'
      : false

function currentGroup(): string {
  try {
    return execFileSync('id', ['-gn'], { encoding: 'utf8' }).trim()
  } catch {
    return String(userInfo().gid)
  }
}

export type KeystoneProcessOptions = {
  /** `[database] connection` (e.g. a MariaDB database through PyMySQL); default a SQLite file. */
  readonly connection?: string
}

/**
 * Starts Keystone with `extraConfigLines` appended to keystone.conf (whole sections, e.g.
 * `[token]`, `expiration = 4`). Resolves null when Keystone or uwsgi is not installed.
 */
export async function startKeystone(
  extraConfigLines: readonly string[] = [],
  options: KeystoneProcessOptions = {},
): Promise<KeystoneProcess | null> {
  if (keystoneMissing !== false) return null
  const dir = mkdtempSync(join(tmpdir(), 'baton-keystone-'))
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const conf = join(dir, 'keystone.conf')
  const logPath = join(dir, 'keystone.log')
  const db = join(dir, 'keystone.db')
  writeFileSync(
    conf,
    [
      '[DEFAULT]',
      'debug = false',
      '[database]',
      `connection = ${options.connection ?? `sqlite:///${db}`}`,
      '[fernet_tokens]',
      `key_repository = ${join(dir, 'fernet-keys')}`,
      '[fernet_receipts]',
      `key_repository = ${join(dir, 'fernet-receipts')}`,
      // as identity_process.ts gives Baton: without it every credential call is a 500
      '[credential]',
      `key_repository = ${join(dir, 'credential-keys')}`,
      // credential/core.py decrypts a memoized dict in place (pops encrypted_blob): with the
      // in-memory cache below, the second read of a credential is a KeyError (500). memcached
      // hands out copies, so real deployments do not see it; this harness keeps them uncached.
      'caching = false',
      '[identity]',
      // bcrypt's minimum cost: the matrix issues many tokens inside a few-second lifetime.
      'password_hash_rounds = 4',
      // Uncached, Keystone 22 spends ~0.5 s of SQL on every authenticated request (role lookups
      // repeated per token); an in-process cache is consistent because there is one worker.
      '[cache]',
      'enabled = true',
      'backend = dogpile.cache.memory',
      ...extraConfigLines,
      '',
    ].join('\n'),
  )
  const env = childEnv({ OS_KEYSTONE_CONFIG_FILES: conf })
  const manage = (args: readonly string[]) =>
    runLogged(KEYSTONE_MANAGE, ['--config-file', conf, ...args], env, logPath)
  const user = userInfo().username
  const group = currentGroup()
  await manage(['db_sync'])
  // WAL (persistent in the file) lets the uwsgi workers read while another one writes.
  if (options.connection === undefined)
    await runLogged(
      PYTHON3,
      [
        '-c',
        'import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute("PRAGMA journal_mode=WAL")',
        db,
      ],
      env,
      logPath,
    )
  await manage(['fernet_setup', '--keystone-user', user, '--keystone-group', group])
  await manage(['credential_setup', '--keystone-user', user, '--keystone-group', group])
  await manage([
    'bootstrap',
    '--bootstrap-password',
    KEYSTONE_ADMIN_PASSWORD,
    '--bootstrap-public-url',
    `${url}/v3/`,
    '--bootstrap-internal-url',
    `${url}/v3/`,
    '--bootstrap-admin-url',
    `${url}/v3/`,
    '--bootstrap-region-id',
    'RegionOne',
  ])
  const child = spawnLogged(
    UWSGI,
    [
      '--plugin',
      'python3',
      '--http-socket',
      `127.0.0.1:${port}`,
      '--wsgi-file',
      KEYSTONE_WSGI,
      '--master',
      // One worker, no threads: Keystone's SQLite connections must stay on the thread that made
      // them, and an in-memory cache shared by several workers would miss each other's revocations.
      '--processes',
      '1',
      // uwsgi's http-socket closes connections after each answer; saying so stops fetch (undici)
      // from reusing a closed keep-alive socket ("other side closed").
      '--add-header',
      'Connection: close',
      '--die-on-term',
      '--need-app',
      '--disable-logging',
    ],
    env,
    logPath,
  )
  await waitForHttp(`${url}/v3`, child, () => logTail(logPath), 'keystone (uwsgi)')
  return {
    url,
    dir,
    conf,
    logPath,
    adminEnv: {
      OS_AUTH_URL: `${url}/v3`,
      OS_IDENTITY_API_VERSION: '3',
      OS_USERNAME: 'admin',
      OS_PASSWORD: KEYSTONE_ADMIN_PASSWORD,
      OS_PROJECT_NAME: 'admin',
      OS_USER_DOMAIN_NAME: 'Default',
      OS_PROJECT_DOMAIN_NAME: 'Default',
      OS_INTERFACE: 'public',
      OS_REGION_NAME: 'RegionOne',
    },
    stop: () => stopChild(child),
  }
}
