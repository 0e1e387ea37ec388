/**
 * Tokens far larger than any real one (Fernet tokens are under 300 bytes): the middleware refuses
 * them as invalid (401) without calling identity, where it used to forward them, get identity's 431
 * and answer 503 "temporarily unavailable" with an error line per request.
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { startTestIdentity, type TestIdentity } from '../support/identity_server.ts'
import { call, type Guarded, startGuarded, UNAUTHORIZED } from './support.ts'

let identity: TestIdentity
const opened: Guarded[] = []

before(async () => {
  identity = await startTestIdentity()
})
after(async () => {
  for (const g of opened) await g.close()
  await identity?.close()
})

async function guarded(extra: Record<string, string | number | boolean> = {}) {
  const log = { warn: [] as string[], error: [] as string[] }
  const g = await startGuarded({
    // these tests count requests to identity: the revocation subscription's long-polls would count
    options: identity.authtokenOptions({ revocation_push: false, ...extra }),
    clock: identity.clock,
    logger: { warn: (m: string) => log.warn.push(m), error: (m: string) => log.error.push(m) },
  })
  opened.push(g)
  return { g, log }
}

const HUGE = 'g'.repeat(16_000)

test('a 16 KB X-Auth-Token is a 401 without a call to identity, logged once', async () => {
  const { g, log } = await guarded()
  const before = identity.requestCount()
  for (let i = 0; i < 3; i++) {
    const res = await call(g.url, { 'X-Auth-Token': HUGE })
    assert.equal(res.status, 401, res.body)
    assert.deepEqual(JSON.parse(res.body), UNAUTHORIZED)
    assert.match(res.headers.get('www-authenticate') ?? '', /^Keystone uri=/)
  }
  assert.equal(identity.requestCount(), before, 'identity was not asked')
  assert.deepEqual(log.error, [])
  const lines = log.warn.filter((m) => m.includes('max_token_size'))
  assert.equal(lines.length, 1, 'one line per interval, not one per request')
  assert.ok(!lines[0]?.includes(HUGE.slice(0, 50)), 'the token is not logged')
})

test('a 16 KB X-Service-Token beside a valid user token is a 401 without a call', async () => {
  const { g, log } = await guarded()
  const user = await identity.token(identity.users.alice)
  assert.equal((await call(g.url, { 'X-Auth-Token': user })).status, 200)
  const before = identity.requestCount()
  const res = await call(g.url, { 'X-Auth-Token': user, 'X-Service-Token': HUGE })
  assert.equal(res.status, 401, res.body)
  assert.equal(identity.requestCount(), before, 'identity was not asked')
  assert.deepEqual(log.error, [])
})

test('under delay_auth_decision an oversized token passes on as Invalid', async () => {
  const { g } = await guarded({ delay_auth_decision: true })
  const res = await call(g.url, { 'X-Auth-Token': HUGE })
  assert.equal(res.status, 200)
  assert.equal(res.identity?.['x-identity-status'], 'Invalid')
})

test('max_token_size is configurable; what identity refuses as too large is Invalid, not a 503', async () => {
  const small = await guarded({ max_token_size: 100 })
  const token = await identity.token(identity.users.alice)
  assert.ok(token.length > 100)
  assert.equal((await call(small.g.url, { 'X-Auth-Token': token })).status, 401)
  // Raised past node's 16 KB header limit: identity answers 431, which says nothing about its health.
  const big = await guarded({ max_token_size: 20_000 })
  const res = await call(big.g.url, { 'X-Auth-Token': HUGE })
  assert.equal(res.status, 401, res.body)
  assert.deepEqual(big.log.error, [])
})
