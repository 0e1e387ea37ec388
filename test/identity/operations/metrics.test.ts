/**
 * `/metrics` on a real identity server with `[metrics] enabled`: request counts by route pattern
 * (never a raw id), token validations by outcome (valid, expired, expired_allowed, revoked,
 * not_found), cache and key gauges; refused (403) to addresses outside `[metrics] allow_from`,
 * absent (404) when not enabled.
 * @module
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import {
  ADMIN_PASSWORD,
  EXPIRATION,
  startTestIdentity,
  type TestIdentity,
} from '../../support/identity_server.ts'
import { passwordLogin } from '../../support/login.ts'

let identity: TestIdentity
let refused: TestIdentity

before(async () => {
  identity = await startTestIdentity({ extraConfig: ['[metrics]', 'enabled = true'] })
  refused = await startTestIdentity({
    extraConfig: ['[metrics]', 'enabled = true', 'allow_from = 192.0.2.1'],
  })
})

after(async () => {
  await identity?.close()
  await refused?.close()
})

async function scrape(url: string): Promise<string> {
  const res = await fetch(`${url}/metrics`)
  assert.equal(res.status, 200)
  assert.match(String(res.headers.get('content-type')), /^text\/plain; version=0\.0\.4/)
  return res.text()
}

/** The value of one sample, `name{labels}`, labels in the order prom-client writes them. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

async function validate(url: string, admin: string, subject: string, allowExpired = false) {
  const query = allowExpired ? '?allow_expired=1' : ''
  const res = await fetch(`${url}/v3/auth/tokens${query}`, {
    headers: { 'x-auth-token': admin, 'x-subject-token': subject },
  })
  await res.arrayBuffer()
  return res.status
}

test('requests by route pattern and status, validations by outcome, caches and keys', async () => {
  const before = await scrape(identity.url)
  const validBefore = sample(before, 'baton_token_validations_total{outcome="valid"}') ?? 0
  const admin = (await passwordLogin(identity.url, 'admin', ADMIN_PASSWORD, 'admin')).token
  const alice = await identity.token(identity.users.alice)
  assert.equal(await validate(identity.url, admin, alice), 200)
  const user = await fetch(`${identity.url}/v3/users/${identity.users.alice.id}`, {
    headers: { 'x-auth-token': admin },
  })
  assert.equal(user.status, 200)
  assert.equal(await validate(identity.url, admin, 'not-a-token'), 404)
  const doomed = await identity.token(identity.users.alice)
  await identity.revoke(doomed)
  assert.equal(await validate(identity.url, admin, doomed), 404)

  const after = await scrape(identity.url)
  assert.ok(
    (sample(after, 'baton_token_validations_total{outcome="valid"}') ?? 0) > validBefore,
    'valid validations counted',
  )
  assert.ok((sample(after, 'baton_token_validations_total{outcome="not_found"}') ?? 0) >= 1)
  assert.ok((sample(after, 'baton_token_validations_total{outcome="revoked"}') ?? 0) >= 1)
  // route patterns, never the id in the URL
  assert.equal(
    sample(
      after,
      'baton_http_requests_total{method="GET",route="/v3/users/:user_id",status="200"}',
    ),
    1,
  )
  assert.ok(!after.includes(identity.users.alice.id), 'no user id in any label')
  assert.ok(!after.includes(alice), 'no token in any label')
  assert.ok(
    (sample(
      after,
      'baton_http_requests_total{method="GET",route="/v3/auth/tokens",status="404"}',
    ) ?? 0) >= 2,
  )
  assert.match(after, /baton_http_request_duration_seconds_bucket\{le="0.001",method="GET"/)
  assert.match(after, /baton_identity_cache_hits_total\{layer="mints"\} \d+/)
  assert.match(after, /baton_fernet_key_age_seconds\{role="primary"\} \d+/)
  assert.equal(sample(after, 'baton_fernet_keys'), 2)
  assert.match(after, /baton_fernet_key_age_seconds\{role="staged"\} \d+/)
  assert.match(after, /baton_fernet_seconds_until_safe_rotation -?\d+/)

  // expired: refused plainly, accepted within the allow_expired window
  const old = await identity.token(identity.users.alice)
  identity.clock.advance(EXPIRATION + 10)
  const admin2 = (await passwordLogin(identity.url, 'admin', ADMIN_PASSWORD, 'admin')).token
  assert.equal(await validate(identity.url, admin2, old), 404)
  assert.equal(await validate(identity.url, admin2, old, true), 200)
  const later = await scrape(identity.url)
  assert.ok((sample(later, 'baton_token_validations_total{outcome="expired"}') ?? 0) >= 1)
  assert.equal(sample(later, 'baton_token_validations_total{outcome="expired_allowed"}'), 1)
})

test('[metrics] allow_from: other addresses get 403 with Keystone’s error body', async () => {
  const res = await fetch(`${refused.url}/metrics`)
  assert.equal(res.status, 403)
  const body = (await res.json()) as { error: { code: number; title: string } }
  assert.equal(body.error.code, 403)
  assert.equal(body.error.title, 'Forbidden')
})
