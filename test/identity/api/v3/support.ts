/**
 * A resource-API server for tests: a fresh store per test (every dialect the store fixtures
 * offer), the real HTTP app with `registerResourceRoutes`, the real policy engine with Keystone
 * 22's defaults, and a stand-in `authenticate` that maps an `X-Auth-Token` to a registered
 * Caller (tokens.end_to_end.test.ts runs the same routes behind real Fernet tokens).
 * @module
 */
import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '@baton/config'
import { setupKeyRepository } from '@baton/fernet'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { credentialApi } from '../../../../packages/identity/src/api/credentials/index.ts'
import { registerResourceRoutes } from '../../../../packages/identity/src/api/v3/index.ts'
import { authSettings } from '../../../../packages/identity/src/core/auth/index.ts'
import type { Caller } from '../../../../packages/identity/src/core/caller.ts'
import { createCredentialCrypto } from '../../../../packages/identity/src/core/credentials/credential_crypto.ts'
import type { TokenService } from '../../../../packages/identity/src/core/tokens/index.ts'
import { Unauthorized } from '../../../../packages/identity/src/errors.ts'
import { buildIdentityApp } from '../../../../packages/identity/src/http/app.ts'
import { identityOptionGroups } from '../../../../packages/identity/src/options.ts'
import { hashPassword } from '../../../../packages/identity/src/passwords/index.ts'
import { createPolicyEnforcer } from '../../../../packages/identity/src/policy/index.ts'
import type { Store } from '../../../../packages/identity/src/store/index.ts'
import { eachDialect, type StoreEnv } from '../../store/store.fixtures.ts'

export { rowCount } from '../../store/store.fixtures.ts'

/** The policy engine with Keystone 22's defaults (what `policyFromConfig` builds without a file). */
const realPolicy = createPolicyEnforcer()

export type Called = {
  readonly method: string
  readonly status: number
  readonly headers: Record<string, unknown>
  readonly body: string
  // biome-ignore lint/suspicious/noExplicitAny: tests read JSON bodies freely
  readonly json: any
}

export type Api = {
  readonly app: FastifyInstance
  /** The (method, path) pairs registerResourceRoutes registered (read after `seed()`). */
  readonly routes: readonly [string, string][]
  readonly store: Store
  readonly env: StoreEnv
  /** Tokens the stand-in authenticator accepts. */
  readonly callers: Map<string, Caller>
  call(
    method: string,
    url: string,
    options?: {
      token?: string | null
      body?: unknown
      /** Sent as is (a Buffer for bytes that are not UTF-8). */
      payload?: string | Buffer
      headers?: Record<string, string>
    },
  ): Promise<Called>
  /**
   * Default domain, roles admin => member => reader and service, an admin and a member user
   * on the `admin` project, and the callers `admin`, `member`, `system-reader`.
   */
  seed(): Promise<Seed>
}

export type Seed = {
  readonly domainId: string
  readonly projectId: string
  readonly adminId: string
  readonly memberId: string
  readonly roles: Record<'admin' | 'member' | 'reader' | 'service', string>
}

export function caller(fields: Partial<Caller> & { userId: string }): Caller {
  return {
    userDomainId: 'default',
    roles: [],
    roleIds: [],
    scope: { kind: 'unscoped' },
    isAdminProject: true,
    methods: ['password'],
    auditIds: ['audit'],
    expiresAt: '2030-01-01T01:00:00.000000Z',
    ...fields,
  }
}

/**
 * `describe`s the suite per dialect; each test gets its own server.
 * @example apiSuite('projects', (api) => test('...', async () => { const s = await api().seed() }))
 */
export function apiSuite(
  title: string,
  suite: (api: () => Api) => void,
  overrides: Record<string, Record<string, string>> = {},
): void {
  eachDialect(title, (env) => {
    const cache = new WeakMap<StoreEnv, Api>()
    suite(() => {
      const current = env()
      let api = cache.get(current)
      if (!api) {
        api = buildApi(current, overrides)
        cache.set(current, api)
      }
      return api
    })
  })
}

/** A fresh credential key repository (`baton credential setup`'s layout). */
function credentialKeys(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'baton-api-credential-keys-')), 'keys')
  setupKeyRepository({ path, maxActiveKeys: 3, logger: { warn() {} } })
  return path
}

function buildApi(env: StoreEnv, overrides: Record<string, Record<string, string>>): Api {
  const config = loadConfig({
    files: [],
    overrides: { identity: { password_hash_rounds: '4' }, ...overrides },
    groups: identityOptionGroups,
  })
  const callers = new Map<string, Caller>()
  const authenticate = async (request: FastifyRequest) => {
    const token = request.headers['x-auth-token']
    const found = typeof token === 'string' ? callers.get(token) : undefined
    if (!found) throw new Unauthorized()
    return found
  }
  let routes: [string, string][] = []
  const app = buildIdentityApp({
    config,
    routes: (instance, http) => {
      const ctx = {
        ...http,
        config,
        store: env.store,
        policy: realPolicy,
        clock: env.clock,
        authenticate,
      }
      routes = registerResourceRoutes(instance, ctx)
      // the credential area too: its signature-to-token routes never reach `tokens` here (the
      // tokens they issue are tested behind a real server, test/identity/api/credentials)
      instance.register(credentialApi, {
        ctx: {
          ...ctx,
          credentialCrypto: createCredentialCrypto({
            path: credentialKeys(),
            logger: { warn() {} },
          }),
          tokens: {} as TokenService,
          primaryMethods: authSettings(config).primaryMethods,
        },
        registered: routes,
      })
    },
  })
  const api: Api = {
    app,
    get routes() {
      // fastify loads the API areas at ready(): an empty list would let route tables pass vacuously
      assert.ok(routes.length > 0, 'api.routes read before seed() (routes load at ready)')
      return routes
    },
    store: env.store,
    env,
    callers,
    async call(method, url, options = {}) {
      const headers: Record<string, string> = { host: 'ks.example:5000', ...options.headers }
      const token = options.token === undefined ? 'admin' : options.token
      if (token !== null) headers['x-auth-token'] = token
      const res = await app.inject({
        method: method as 'GET',
        url,
        headers,
        ...(options.payload !== undefined
          ? { payload: options.payload }
          : options.body !== undefined
            ? {
                payload: JSON.stringify(options.body),
                headers: { ...headers, 'content-type': 'application/json' },
              }
            : {}),
      })
      let json: unknown
      try {
        json = res.body === '' ? undefined : JSON.parse(res.body)
      } catch {
        json = undefined
      }
      return { method, status: res.statusCode, headers: res.headers, body: res.body, json }
    },
    seed: async () => {
      await app.ready()
      return seed(api)
    },
  }
  return api
}

async function seed(api: Api): Promise<Seed> {
  const { store } = api
  const domain = await store.resource.createDomain({ id: 'default', name: 'Default' })
  const project = await store.resource.createProject({ name: 'admin', domainId: domain.id })
  const roles = {
    admin: (await store.assignment.createRole({ name: 'admin' })).id,
    member: (await store.assignment.createRole({ name: 'member' })).id,
    reader: (await store.assignment.createRole({ name: 'reader' })).id,
    service: (await store.assignment.createRole({ name: 'service' })).id,
  }
  // bootstrap's implications: admin => member => reader
  await store.assignment.addImpliedRole(roles.admin, roles.member)
  await store.assignment.addImpliedRole(roles.member, roles.reader)
  const hash = await hashPassword('s3cr3t', { algorithm: 'bcrypt', rounds: 4 })
  const admin = await store.identity.createUser({
    name: 'admin',
    domainId: domain.id,
    password: { hash },
  })
  const member = await store.identity.createUser({
    name: 'demo',
    domainId: domain.id,
    password: { hash },
  })
  await store.assignment.grant({
    roleId: roles.admin,
    actor: { type: 'user', id: admin.id },
    target: { type: 'project', id: project.id },
  })
  await store.assignment.grant({
    roleId: roles.member,
    actor: { type: 'user', id: member.id },
    target: { type: 'project', id: project.id },
  })
  const scoped = {
    scope: { kind: 'project', projectId: project.id, projectDomainId: domain.id },
  } as const
  api.callers.set(
    'admin',
    caller({
      userId: admin.id,
      roles: ['admin', 'member', 'reader'],
      roleIds: [roles.admin, roles.member, roles.reader],
      ...scoped,
    }),
  )
  api.callers.set(
    'member',
    caller({
      userId: member.id,
      roles: ['member', 'reader'],
      roleIds: [roles.member, roles.reader],
      ...scoped,
    }),
  )
  api.callers.set(
    'system-reader',
    caller({
      userId: member.id,
      roles: ['reader'],
      roleIds: [roles.reader],
      scope: { kind: 'system', system: 'all' },
    }),
  )
  return {
    domainId: domain.id,
    projectId: project.id,
    adminId: admin.id,
    memberId: member.id,
    roles,
  }
}

/** Asserts Keystone's error document. */
export function assertError(res: Called, status: number, message?: string | RegExp): void {
  assert.equal(res.status, status, res.body)
  if (res.method === 'HEAD') {
    assert.equal(res.body, '')
    return
  }
  assert.match(String(res.headers['content-type']), /^application\/json/)
  const error = res.json?.error
  assert.equal(error?.code, status, res.body)
  assert.equal(typeof error?.title, 'string')
  assert.equal(typeof error?.message, 'string')
  if (typeof message === 'string') assert.equal(error.message, message)
  else if (message) assert.match(error.message, message)
}
