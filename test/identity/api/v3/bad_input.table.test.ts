/**
 * Every route the resource API registers, each with several bad inputs: the answer must be a 4xx
 * with Keystone's error document (never a 500), and the database must be exactly as before
 * (no partial writes). The one write a bad request may cause is Keystone's failed-login counter.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { sql } from 'kysely'
import { cases } from './bad_input.cases.ts'
import { world } from './bad_input.world.ts'
import { type Api, apiSuite, assertError } from './support.ts'

const TABLES = [
  'registered_limit',
  'limit',
  'policy',
  'project',
  'project_tag',
  'user',
  'password',
  'group',
  'user_group_membership',
  'role',
  'implied_role',
  'assignment',
  'system_assignment',
  'service',
  'region',
  'endpoint',
  'application_credential',
  'application_credential_role',
  'revocation_event',
  'endpoint_group',
  'project_endpoint',
  'project_endpoint_group',
  'domain_config',
  'credential',
  'trust',
  'trust_role',
  'consumer',
  'baton_delegation',
  'request_token',
  'access_token',
]

/** Every row of every table, failed-login bookkeeping aside. */
async function digest(api: Api): Promise<string> {
  const out: Record<string, string[]> = {}
  for (const table of TABLES) {
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(
      api.env.database.db,
    )
    out[table] = rows
      .map((r) => JSON.stringify({ ...r, failed_auth_count: undefined, failed_auth_at: undefined }))
      .sort()
  }
  return JSON.stringify(out)
}

/** The route template a concrete URL was made from. */
function matches(template: string, url: string): boolean {
  const path = url.split('?')[0] ?? ''
  const pattern = template.replace(/:[a-z_]+/g, '[^/]+')
  return new RegExp(`^${pattern}$`).test(path)
}

const UNAUTHENTICATED = new Set([
  '/v3/users/:user_id/password',
  // OAuth-signed by the consumer, not token-authenticated (Keystone's unenforced_api)
  '/v3/OS-OAUTH1/request_token',
  '/v3/OS-OAUTH1/access_token',
])

apiSuite('bad input on every resource route', (api) => {
  test('the table has cases for every registered route', async () => {
    const a = api()
    const all = Object.values(cases(await world(a))).flat()
    const uncovered = a.routes.filter(
      ([method, template]) => !all.some(([, m, url]) => m === method && matches(template, url)),
    )
    assert.deepEqual(uncovered, [])
  })

  test('every route refuses a missing or unknown token with 401 and no write', async () => {
    const a = api()
    await a.seed()
    const failures: string[] = []
    for (const [method, template] of a.routes) {
      if (UNAUTHENTICATED.has(template)) continue
      const url = template.replace(/:[a-z_]+/g, 'x')
      for (const token of [null, 'bogus']) {
        const before = await digest(a)
        const res = await a.call(method, url, { token, body: { any: 'thing' } })
        try {
          assertError(res, 401, 'The request you have made requires authentication.')
          assert.equal(await digest(a), before)
        } catch (error) {
          failures.push(
            `${method} ${template} token=${token}: ${(error as Error).message.split('\n')[0]}`,
          )
        }
      }
    }
    assert.deepEqual(failures, [])
  })

  test('path segments longer than 100 characters get a Keystone 4xx', async () => {
    const a = api()
    const s = await a.seed()
    const res = await a.call('PUT', `/v3/projects/${s.projectId}/tags/${'x'.repeat(256)}`)
    assertError(res, 400, /is too long$/)
    const huge = await a.call('GET', `/v3/projects/${'x'.repeat(2000)}`)
    assert.ok(huge.status >= 400 && huge.status < 500, String(huge.status))
    assert.match(huge.body, /^\{"error":\{"code":4\d\d,/)
  })

  for (const area of [
    'domains',
    'projects',
    'users',
    'credentials',
    'groups',
    'roles',
    'grants',
    'catalog',
    'endpoint filter',
    'domain config',
    'blob_credentials',
    'oauth1',
    'trusts',
    'limits',
    'policies',
  ]) {
    test(`${area}: 4xx with Keystone's error body and no write`, async () => {
      const a = api()
      const w = await world(a)
      // one store for the whole table (subtests would each get a fresh one from beforeEach)
      const failures: string[] = []
      for (const [name, method, url, status, options = {}] of cases(w)[area] ?? []) {
        try {
          const before = await digest(a)
          const res = await a.call(method, url, {
            ...(options.token === undefined ? {} : { token: options.token }),
            ...(options.body === undefined ? {} : { body: options.body }),
            ...(options.payload === undefined
              ? {}
              : {
                  payload: options.payload,
                  headers: { 'content-type': options.type ?? 'application/json' },
                }),
            ...(options.headers === undefined ? {} : { headers: options.headers }),
          })
          if (status < 400) assert.equal(res.status, status, res.body)
          else assertError(res, status, options.message)
          assert.equal(await digest(a), before, 'the database changed')
        } catch (error) {
          failures.push(`${method} ${url} (${name}): ${(error as Error).message.split('\n')[0]}`)
        }
      }
      assert.deepEqual(failures, [])
    })
  }
})
