/**
 * delay_auth_decision, forged headers, an unreachable identity server (503, or Invalid when
 * delayed), WWW-Authenticate on the application's own 401s, and service_token_roles_required = false.
 */
import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { after, before, test } from 'node:test'
import { startTestIdentity, type TestIdentity } from '../support/identity_server.ts'
import { call, type Guarded, startGuarded } from './support.ts'

let identity: TestIdentity
const opened: Guarded[] = []

before(async () => {
  identity = await startTestIdentity()
})
after(async () => {
  for (const g of opened) await g.close()
  await identity?.close()
})

async function guarded(extra: Record<string, string | number | boolean>, warnings?: string[]) {
  const g = await startGuarded({
    options: identity.authtokenOptions(extra),
    clock: identity.clock,
    logger: { warn: (m: string) => warnings?.push(m) },
  })
  opened.push(g)
  return g
}

test('forged identity headers never reach the service, whatever the outcome', async () => {
  const g = await guarded({ delay_auth_decision: true })
  const forged = {
    'X-Identity-Status': 'Confirmed',
    'X-User-Id': 'evil',
    'X-Roles': 'admin',
    'X-Service-Roles': 'service',
    'X-Service-User-Id': 'evil',
    'X-Is-Admin-Project': 'True',
    'OpenStack-System-Scope': 'all',
    'X-Tenant-Id': 'evil',
    'X-Service-Catalog': '[]',
  }
  const anonymous = await call(g.url, forged)
  assert.equal(anonymous.status, 200)
  assert.deepEqual(anonymous.identity, { 'x-identity-status': 'Invalid' })

  const alice = await call(g.url, {
    ...forged,
    'X-Auth-Token': await identity.token(identity.users.alice),
  })
  assert.equal(alice.identity?.['x-user-id'], identity.users.alice.id)
  assert.equal(alice.identity?.['x-service-user-id'], undefined)
  assert.equal(alice.identity?.['openstack-system-scope'], undefined)
  assert.equal(alice.identity?.['x-tenant-id'], alice.identity?.['x-project-id'])
  assert.notEqual(alice.identity?.['x-service-catalog'], '[]')
})

test('delay_auth_decision passes every request on with the statuses', async () => {
  const g = await guarded({ delay_auth_decision: true })
  const user = await identity.token(identity.users.alice)
  const svc = await identity.token(identity.users.svc)
  const badService = await call(g.url, { 'X-Auth-Token': user, 'X-Service-Token': 'garbage' })
  assert.equal(badService.status, 200)
  assert.equal(badService.identity?.['x-identity-status'], 'Confirmed')
  assert.equal(badService.identity?.['x-service-identity-status'], 'Invalid')
  assert.equal(badService.identity?.['x-user-id'], identity.users.alice.id)

  const badUser = await call(g.url, { 'X-Auth-Token': 'garbage', 'X-Service-Token': svc })
  assert.equal(badUser.identity?.['x-identity-status'], 'Invalid')
  assert.equal(badUser.identity?.['x-service-identity-status'], 'Confirmed')
  assert.equal(badUser.identity?.['x-user-id'], undefined)
  assert.equal(badUser.identity?.['x-service-user-id'], identity.users.svc.id)
  assert.equal(g.lastIdentity()?.user, undefined)
  assert.equal(g.lastIdentity()?.serviceStatus, 'Confirmed')
})

test('the application’s own 401 carries the WWW-Authenticate challenge', async () => {
  const g = await startGuarded(
    { options: identity.authtokenOptions(), clock: identity.clock },
    (_req, res) => {
      res.statusCode = 401
      res.end('{}')
    },
  )
  opened.push(g)
  const res = await call(g.url, { 'X-Auth-Token': await identity.token(identity.users.alice) })
  assert.equal(res.status, 401)
  assert.equal(res.headers.get('www-authenticate'), `Keystone uri="${identity.url}/v3"`)
})

async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

test('identity unreachable: 503 with a Keystone body, or Invalid when delayed', async () => {
  const dead = `http://127.0.0.1:${await closedPort()}/v3`
  const strict = await guarded({ auth_url: dead, http_request_max_retries: 0 })
  const res = await call(strict.url, { 'X-Auth-Token': 'whatever' })
  assert.equal(res.status, 503)
  assert.equal((JSON.parse(res.body) as { error: { code: number } }).error.code, 503)
  assert.doesNotMatch(res.body, /whatever/)

  const delayed = await guarded({
    auth_url: dead,
    http_request_max_retries: 0,
    delay_auth_decision: true,
  })
  const passed = await call(delayed.url, { 'X-Auth-Token': 'whatever' })
  assert.equal(passed.status, 200)
  assert.equal(passed.identity?.['x-identity-status'], 'Invalid')
})

test('service_token_roles_required = false: warned at start, any valid token is a service token', async () => {
  const warnings: string[] = []
  const g = await guarded({ service_token_roles_required: false }, warnings)
  assert.equal(warnings.filter((w) => w.includes('service_token_roles_required')).length, 1)
  const res = await call(g.url, {
    'X-Auth-Token': await identity.token(identity.users.alice),
    'X-Service-Token': await identity.token(identity.users.nosvc),
  })
  assert.equal(res.status, 200)
  assert.equal(res.identity?.['x-service-identity-status'], 'Confirmed')

  // ...but it still cannot vouch for an expired user token: that always needs the role
  const expiring = await identity.token(identity.users.alice)
  identity.clock.advance(700)
  const expired = await call(g.url, {
    'X-Auth-Token': expiring,
    'X-Service-Token': await identity.token(identity.users.nosvc),
  })
  assert.equal(expired.status, 401)
})

test('service_token_roles lists the roles that count, exactly', async () => {
  const g = await guarded({ service_token_roles: 'Service,member' })
  const res = await call(g.url, {
    'X-Auth-Token': await identity.token(identity.users.alice),
    'X-Service-Token': await identity.token(identity.users.nosvc),
  })
  assert.equal(res.status, 200)
  const svc = await call(g.url, {
    'X-Auth-Token': await identity.token(identity.users.alice),
    'X-Service-Token': await identity.token(identity.users.svc),
  })
  assert.equal(svc.status, 401, 'role names compare case-sensitively: "service" is not "Service"')
})
