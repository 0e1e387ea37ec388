/**
 * Two identity servers (two `createIdentityServer`, as two nodes or workers would be) on one
 * database: a SQLite file, a fresh PostgreSQL schema when BATON_TEST_PG_URL is set, or a fresh
 * MySQL/MariaDB database when BATON_TEST_MYSQL_URL is set (store.fixtures.ts). Requests
 * go through `app.inject`; the bootstrap admin and its token come from node A.
 * @module
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Clock, loadConfig } from '@baton/config'
import { setupKeyRepository, WatchedKeyRepository } from '@baton/fernet'
import {
  bootstrap,
  createIdentityServer,
  type IdentityServer,
  identityOptionGroups,
  openCurrentStore,
  passwordSettings,
  syncDatabase,
} from '@baton/identity'
import {
  type TokenService,
  tokenSettings,
} from '../../../packages/identity/src/core/tokens/index.ts'
import { authOptions } from '../../../packages/identity/src/options.ts'
import { composeTokenService } from '../../../packages/identity/src/server/compose_tokens.ts'
import type { Store } from '../../../packages/identity/src/store/index.ts'
import { TokenFormatter } from '../../../packages/identity/src/token/token_formatter.ts'
import { type DialectName, freshDatabase } from '../store/store.fixtures.ts'

export const ADMIN_PASSWORD = 'two-nodes-admin'

export interface Reply {
  readonly status: number
  readonly body: Record<string, unknown>
  readonly subjectToken: string | undefined
}

export interface TwoNodes {
  readonly a: IdentityServer
  readonly b: IdentityServer
  readonly adminToken: string
  call(
    node: IdentityServer,
    method: string,
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Reply>
  /** A project-scoped password token issued by node A. */
  login(user: string, password: string, projectId: string): Promise<string>
  /** The token service without any cache, on its own connection: the reference answers. */
  readonly uncached: TokenService
  /** The store on that connection, to read what the nodes wrote. */
  readonly store: Store
  close(): Promise<void>
}

export async function startTwoNodes(
  dialect: DialectName,
  clock: Clock,
  /** More config lines, appended to the nodes' shared config file. */
  extraConfig: readonly string[] = [],
): Promise<TwoNodes> {
  const dir = mkdtempSync(join(tmpdir(), 'baton-two-nodes-'))
  const pg = dialect === 'sqlite' ? undefined : await freshDatabase(dialect)
  if (pg !== undefined) await pg.database.close()
  const connection = pg?.url ?? `sqlite:///${join(dir, 'identity.db')}`
  const conf = join(dir, 'identity.conf')
  writeFileSync(
    conf,
    [
      '[database]',
      `connection = ${connection}`,
      '[fernet_tokens]',
      `key_repository = ${join(dir, 'keys')}`,
      '[identity]',
      'password_hash_rounds = 4',
      ...extraConfig,
      '',
    ].join('\n'),
  )
  const config = loadConfig({ files: [conf], groups: identityOptionGroups })
  setupKeyRepository({ path: join(dir, 'keys'), maxActiveKeys: 3, clock, logger: { warn() {} } })
  await syncDatabase(config)
  const opened = await openCurrentStore(config, clock)
  let adminProject: string
  try {
    ;({ projectId: adminProject } = await bootstrap(
      opened.store,
      { password: ADMIN_PASSWORD, publicUrl: 'http://id.example/v3/', regionId: 'RegionOne' },
      { defaultDomainId: 'default', hashing: passwordSettings(config), log: () => {} },
    ))
  } finally {
    await opened.database.close()
  }
  const a = await createIdentityServer(config, { clock })
  const b = await createIdentityServer(config, { clock })

  const call: TwoNodes['call'] = async (node, method, url, body, headers = {}) => {
    // inject() skips the network, so a whole exchange can fit in one event-loop turn; real nodes
    // are separate processes and every request costs at least one turn of I/O. A SQLite node
    // shares a generation read within one turn (store/cache_generation.ts): yield one, as the
    // network would.
    await new Promise((resolve) => setImmediate(resolve))
    const res = await node.app.inject({
      method: method as 'GET',
      url,
      headers: {
        ...headers,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    })
    const subject = res.headers['x-subject-token']
    return {
      status: res.statusCode,
      body: res.body === '' ? {} : (JSON.parse(res.body) as Record<string, unknown>),
      subjectToken: typeof subject === 'string' ? subject : undefined,
    }
  }
  const login: TwoNodes['login'] = async (user, password, projectId) => {
    const res = await call(a, 'POST', '/v3/auth/tokens', {
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: user, domain: { id: 'default' }, password } },
        },
        scope: { project: { id: projectId } },
      },
    })
    if (res.status !== 201 || res.subjectToken === undefined) {
      throw new Error(`login ${user}: ${res.status} ${JSON.stringify(res.body)}`)
    }
    return res.subjectToken
  }
  const adminToken = await login('admin', ADMIN_PASSWORD, adminProject)
  const plain = await openCurrentStore(config, clock)
  const keys = new WatchedKeyRepository(join(dir, 'keys'))
  const { tokens: uncached } = composeTokenService({
    store: plain.store,
    formatter: new TokenFormatter({
      keys,
      methods: config.get(authOptions).methods,
      defaultDomainId: 'default',
      clock,
    }),
    settings: tokenSettings(config),
    clock,
  })
  return {
    a,
    b,
    uncached,
    store: plain.store,
    adminToken,
    call,
    login,
    async close() {
      await a.close()
      await b.close()
      keys.close()
      await plain.database.close()
      await pg?.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
