/**
 * A whole identity server for token tests: an in-memory SQLite store seeded like a small
 * bootstrapped cloud, Fernet keys, the token service, authentication, the auth routes on the
 * real fastify app, and one clock (milliseconds) that drives all of them. Tests never sleep.
 * @module
 */
import { loadConfig } from '@baton/config'
import { generateKey, MultiFernet } from '@baton/fernet'
import type { FastifyInstance } from 'fastify'
import { registerAuthRoutes } from '../../../../packages/identity/src/api/auth/index.ts'
import type { ValidationCache } from '../../../../packages/identity/src/cache/index.ts'
import {
  type AuthService,
  authSettings,
  createAuthService,
} from '../../../../packages/identity/src/core/auth/index.ts'
import {
  type TokenService,
  tokenSettings,
} from '../../../../packages/identity/src/core/tokens/index.ts'
import { buildIdentityApp } from '../../../../packages/identity/src/http/app.ts'
import { createAuthenticator } from '../../../../packages/identity/src/http/authenticate.ts'
import { authOptions, identityOptionGroups } from '../../../../packages/identity/src/options.ts'
import { hashPassword } from '../../../../packages/identity/src/passwords/index.ts'
import { composeTokenService } from '../../../../packages/identity/src/server/compose_tokens.ts'
import {
  createStore,
  migrateToLatest,
  openDatabase,
  type Store,
} from '../../../../packages/identity/src/store/index.ts'
import { TokenFormatter } from '../../../../packages/identity/src/token/token_formatter.ts'
import { standInPolicy } from './stand_in_policy.ts'

/** 2030-01-01T00:00:00Z. */
export const T0 = Date.UTC(2030, 0, 1)

export class TestClock {
  ms = T0
  readonly now = (): number => this.ms
  advance(seconds: number): void {
    this.ms += seconds * 1000
  }
}

export type Overrides = Record<string, Record<string, string>>

export interface Seeded {
  readonly defaultDomainId: string
  readonly otherDomainId: string
  readonly adminProjectId: string
  readonly demoProjectId: string
  readonly otherProjectId: string
  readonly roles: Readonly<Record<'reader' | 'member' | 'manager' | 'admin' | 'service', string>>
  /** name -> user ID; every password is `secret-<name>`. */
  readonly users: Readonly<Record<'admin' | 'alice' | 'bob' | 'svc' | 'dora', string>>
  readonly computeServiceId: string
}

export interface AuthEnv {
  readonly clock: TestClock
  readonly store: Store
  readonly tokens: TokenService
  readonly auth: AuthService
  readonly app: FastifyInstance
  readonly seeded: Seeded
  close(): Promise<void>
}

export const HASHING = { algorithm: 'bcrypt', rounds: 4 } as const

async function seed(store: Store): Promise<Seeded> {
  const { resource, identity, assignment, catalog } = store
  const dflt = await resource.createDomain({ id: 'default', name: 'Default' })
  const other = await resource.createDomain({ name: 'Other' })
  const adminProject = await resource.createProject({ name: 'admin', domainId: dflt.id })
  const demo = await resource.createProject({ name: 'demo', domainId: dflt.id })
  const otherProject = await resource.createProject({ name: 'ops', domainId: other.id })
  const role = async (name: string) => (await assignment.createRole({ name })).id
  const roles = {
    reader: await role('reader'),
    member: await role('member'),
    manager: await role('manager'),
    admin: await role('admin'),
    service: await role('service'),
  }
  await assignment.addImpliedRole(roles.member, roles.reader)
  await assignment.addImpliedRole(roles.manager, roles.member)
  await assignment.addImpliedRole(roles.admin, roles.manager)
  const user = async (name: string, extra: { defaultProjectId?: string; domainId?: string } = {}) =>
    (
      await identity.createUser({
        name,
        domainId: extra.domainId ?? dflt.id,
        defaultProjectId: extra.defaultProjectId ?? null,
        password: { hash: await hashPassword(`secret-${name}`, HASHING) },
      })
    ).id
  const users = {
    admin: await user('admin'),
    alice: await user('alice', { defaultProjectId: demo.id }),
    bob: await user('bob'),
    svc: await user('svc'),
    dora: await user('dora', { domainId: other.id }),
  }
  const grant = (userId: string, roleId: string, type: 'project' | 'domain', id: string) =>
    assignment.grant({ roleId, actor: { type: 'user', id: userId }, target: { type, id } })
  await grant(users.admin, roles.admin, 'project', adminProject.id)
  await assignment.grantSystem({ type: 'user', id: users.admin }, roles.admin)
  await grant(users.alice, roles.member, 'project', demo.id)
  await grant(users.alice, roles.reader, 'domain', dflt.id)
  await grant(users.bob, roles.reader, 'project', demo.id)
  await grant(users.svc, roles.service, 'project', adminProject.id)
  await grant(users.dora, roles.member, 'project', otherProject.id)

  await catalog.createRegion({ id: 'RegionOne' })
  const keystone = await catalog.createService({ type: 'identity', name: 'keystone' })
  for (const iface of ['public', 'internal', 'admin'] as const) {
    await catalog.createEndpoint({
      serviceId: keystone.id,
      interface: iface,
      regionId: 'RegionOne',
      url: 'http://ks.example:5000/v3/',
    })
  }
  const compute = await catalog.createService({ type: 'compute', name: 'nova' })
  await catalog.createEndpoint({
    serviceId: compute.id,
    interface: 'public',
    regionId: 'RegionOne',
    url: 'http://nova.example/v2.1/$(project_id)s',
  })
  return {
    defaultDomainId: dflt.id,
    otherDomainId: other.id,
    adminProjectId: adminProject.id,
    demoProjectId: demo.id,
    otherProjectId: otherProject.id,
    roles,
    users,
    computeServiceId: compute.id,
  }
}

export async function createAuthEnv(
  overrides: Overrides = {},
  options: {
    validationCache?: ValidationCache
    /** The key set, asked on every call (default: two fresh keys). */
    keys?: () => MultiFernet
  } = {},
): Promise<AuthEnv> {
  const config = loadConfig({ files: [], overrides, groups: identityOptionGroups })
  const clock = new TestClock()
  const database = openDatabase('sqlite://')
  await migrateToLatest(database)
  const store = createStore(database, { clock })
  const seeded = await seed(store)
  const defaultKeys = new MultiFernet([generateKey(), generateKey()])
  const formatter = new TokenFormatter({
    keys: { current: options.keys ?? (() => defaultKeys) },
    methods: config.get(authOptions).methods,
    defaultDomainId: 'default',
    clock,
  })
  const { tokens } = composeTokenService({
    store,
    formatter,
    settings: tokenSettings(config),
    clock,
    validationCache: options.validationCache,
  })
  const auth = createAuthService({
    store,
    tokens,
    settings: authSettings(config),
    clock,
  })
  const authenticate = createAuthenticator(tokens)
  const policy = standInPolicy()
  const app = buildIdentityApp({
    config,
    routes: (instance, http) =>
      registerAuthRoutes(instance, {
        ...http,
        config,
        store,
        policy,
        clock,
        authenticate,
        tokens,
        auth,
      }),
  })
  return {
    clock,
    store,
    tokens,
    auth,
    app,
    seeded,
    async close() {
      await app.close()
      await database.close()
    },
  }
}

/** The `auth` object for a password login, by user ID. */
export function passwordAuth(
  userId: string,
  name: string,
  scope?: unknown,
): Record<string, unknown> {
  const auth: Record<string, unknown> = {
    identity: {
      methods: ['password'],
      password: { user: { id: userId, password: `secret-${name}` } },
    },
  }
  if (scope !== undefined) auth.scope = scope
  return auth
}

/** The `auth` object for re-scoping a token. */
export function tokenAuth(token: string, scope?: unknown): Record<string, unknown> {
  const auth: Record<string, unknown> = { identity: { methods: ['token'], token: { id: token } } }
  if (scope !== undefined) auth.scope = scope
  return auth
}
