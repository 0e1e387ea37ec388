/**
 * The resource API wired as the server wires it: real Fernet tokens from POST /v3/auth/tokens,
 * the real authenticator and policy engine. The revocation events the resource routes write must
 * make the token side refuse the affected tokens at once.
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { loadConfig } from '@baton/config'
import { generateKey, MultiFernet } from '@baton/fernet'
import type { FastifyInstance } from 'fastify'
import { registerAuthRoutes } from '../../../../packages/identity/src/api/auth/index.ts'
import { registerResourceRoutes } from '../../../../packages/identity/src/api/v3/index.ts'
import {
  authSettings,
  createAuthService,
} from '../../../../packages/identity/src/core/auth/index.ts'
import { tokenSettings } from '../../../../packages/identity/src/core/tokens/index.ts'
import { buildIdentityApp } from '../../../../packages/identity/src/http/app.ts'
import { createAuthenticator } from '../../../../packages/identity/src/http/authenticate.ts'
import { authOptions, identityOptionGroups } from '../../../../packages/identity/src/options.ts'
import { hashPassword } from '../../../../packages/identity/src/passwords/index.ts'
import { createPolicyEnforcer } from '../../../../packages/identity/src/policy/index.ts'
import { composeTokenService } from '../../../../packages/identity/src/server/compose_tokens.ts'
import {
  createStore,
  migrateToLatest,
  openDatabase,
  type Store,
  type StoreDatabase,
} from '../../../../packages/identity/src/store/index.ts'
import { TokenFormatter } from '../../../../packages/identity/src/token/token_formatter.ts'

let now = Date.UTC(2030, 0, 1)
const clock = { now: () => now }
let database: StoreDatabase
let store: Store
let app: FastifyInstance
let ids: { project: string; admin: string; alice: string; member: string }

before(async () => {
  const config = loadConfig({
    files: [],
    overrides: { identity: { password_hash_rounds: '4' } },
    groups: identityOptionGroups,
  })
  database = openDatabase('sqlite://')
  await migrateToLatest(database)
  store = createStore(database, { clock })
  const domain = await store.resource.createDomain({ id: 'default', name: 'Default' })
  const project = await store.resource.createProject({ name: 'admin', domainId: domain.id })
  const admin = await store.assignment.createRole({ name: 'admin' })
  const member = await store.assignment.createRole({ name: 'member' })
  await store.assignment.addImpliedRole(admin.id, member.id)
  const user = async (name: string, roleId: string) => {
    const hash = await hashPassword(`secret-${name}`, { algorithm: 'bcrypt', rounds: 4 })
    const u = await store.identity.createUser({ name, domainId: domain.id, password: { hash } })
    await store.assignment.grant({
      roleId,
      actor: { type: 'user', id: u.id },
      target: { type: 'project', id: project.id },
    })
    return u.id
  }
  ids = {
    project: project.id,
    admin: await user('admin', admin.id),
    alice: await user('alice', member.id),
    member: member.id,
  }
  const keys = new MultiFernet([generateKey(), generateKey()])
  const formatter = new TokenFormatter({
    keys: { current: () => keys },
    methods: config.get(authOptions).methods,
    defaultDomainId: 'default',
    clock,
  })
  const { tokens } = composeTokenService({
    store,
    formatter,
    settings: tokenSettings(config),
    clock,
  })
  const auth = createAuthService({ store, tokens, settings: authSettings(config), clock })
  const authenticate = createAuthenticator(tokens)
  const policy = createPolicyEnforcer()
  app = buildIdentityApp({
    config,
    routes: (instance, http) => {
      const ctx = { ...http, config, store, policy, clock, authenticate }
      registerAuthRoutes(instance, { ...ctx, tokens, auth })
      registerResourceRoutes(instance, ctx)
    },
  })
})

after(async () => {
  await app.close()
  await database.close()
})

async function token(name: string, password = `secret-${name}`): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/v3/auth/tokens',
    payload: {
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name, domain: { id: 'default' }, password } },
        },
        scope: { project: { id: ids.project } },
      },
    },
  })
  assert.equal(res.statusCode, 201, res.body)
  return String(res.headers['x-subject-token'])
}

const get = (url: string, authToken: string) =>
  app.inject({ method: 'GET', url, headers: { 'x-auth-token': authToken } })

test('a real admin token drives the API; a member is refused by the real policy', async () => {
  const admin = await token('admin')
  assert.equal((await get('/v3/projects', admin)).statusCode, 200)
  const alice = await token('alice')
  assert.equal((await get('/v3/projects', alice)).statusCode, 403)
  assert.equal((await get(`/v3/users/${ids.alice}`, alice)).statusCode, 200)
  assert.equal((await get(`/v3/users/${ids.admin}`, alice)).statusCode, 403)
})

test('disabling a user revokes its tokens at once; re-enabling does not revive them', async () => {
  const alice = await token('alice')
  now += 2000
  const admin = await token('admin')
  const patch = (enabled: boolean) =>
    app.inject({
      method: 'PATCH',
      url: `/v3/users/${ids.alice}`,
      headers: { 'x-auth-token': admin },
      payload: { user: { enabled } },
    })
  assert.equal((await patch(false)).statusCode, 200)
  assert.equal((await get(`/v3/users/${ids.alice}`, alice)).statusCode, 401)
  assert.equal((await patch(true)).statusCode, 200)
  assert.equal((await get(`/v3/users/${ids.alice}`, alice)).statusCode, 401)
  now += 2000
  const fresh = await token('alice')
  assert.equal((await get(`/v3/users/${ids.alice}`, fresh)).statusCode, 200)
})

test('a self-service password change revokes the old tokens', async () => {
  now += 2000
  const alice = await token('alice')
  const res = await app.inject({
    method: 'POST',
    url: `/v3/users/${ids.alice}/password`,
    payload: { user: { original_password: 'secret-alice', password: 'changed' } },
  })
  assert.equal(res.statusCode, 204, res.body)
  assert.equal((await get(`/v3/users/${ids.alice}`, alice)).statusCode, 401)
  now += 2000
  assert.equal(
    (await get(`/v3/users/${ids.alice}`, await token('alice', 'changed'))).statusCode,
    200,
  )
})

test('removing the role (no event) ends project access at validation', async () => {
  now += 2000
  const alice = await token('alice', 'changed')
  now += 2000
  const admin = await token('admin')
  const res = await app.inject({
    method: 'DELETE',
    url: `/v3/projects/${ids.project}/users/${ids.alice}/roles/${ids.member}`,
    headers: { 'x-auth-token': admin },
  })
  assert.equal(res.statusCode, 204)
  assert.equal((await get(`/v3/users/${ids.alice}`, alice)).statusCode, 401)
})
