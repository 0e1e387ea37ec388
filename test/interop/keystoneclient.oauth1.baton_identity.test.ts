/**
 * OpenStack's own OAuth1 client code against a real `baton serve identity` process (wall clock):
 * keystoneclient's `v3.oauth1` manager (request_tokens.create, request_tokens.authorize,
 * access_tokens.create, signed by oauthlib) and keystoneauth1's `V3OAuth1` plugin, which gets an
 * OAuth-scoped token the admin then validates (test/interop/fixtures/keystoneclient_oauth1.py).
 */
import assert from 'node:assert/strict'
import { execFile, spawnSync } from 'node:child_process'
import { after, before, describe, test } from 'node:test'
import { ADMIN_PASSWORD, type IdentityProcess, startIdentity } from './identity_process.ts'

const PYTHON = '/usr/bin/python3'
const SCRIPT = new URL('./fixtures/keystoneclient_oauth1.py', import.meta.url).pathname
const missing =
  spawnSync(
    PYTHON,
    ['-c', 'import keystoneclient.v3.contrib.oauth1, keystoneauth1.extras.oauth1, oauthlib'],
    { stdio: 'ignore' },
  ).status === 0
    ? false
    : 'python3-keystoneclient, python3-keystoneauth1 or python3-oauthlib is not installed'

function runScript(input: unknown): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = execFile(PYTHON, [SCRIPT], { timeout: 120_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${error.message}\n${stderr}`))
      else resolve(JSON.parse(stdout) as Record<string, unknown>)
    })
    child.stdin?.end(JSON.stringify(input))
  })
}

describe('test/interop/keystoneclient.oauth1.baton_identity', { skip: missing }, () => {
  let identity: IdentityProcess
  before(async () => {
    identity = await startIdentity()
  })
  after(() => identity?.stop())

  test('request token, authorize, access token, then a V3OAuth1 token that validates', async () => {
    const out = await runScript({ url: identity.url, password: ADMIN_PASSWORD })
    const hex = /^[0-9a-f]{32}$/
    assert.match(String(out.access_token_id), hex)
    assert.match(String(out.verifier), /^[a-zA-Z2-9]{8}$/)
    // Keystone's default durations: 8 hours for the request token, a day for the access token
    const hours = (iso: unknown) => (Date.parse(String(iso)) - Date.now()) / 3_600_000
    assert.ok(
      Math.abs(hours(out.request_token_expires) - 8) < 0.1,
      String(out.request_token_expires),
    )
    assert.ok(
      Math.abs(hours(out.access_token_expires) - 24) < 0.1,
      String(out.access_token_expires),
    )
    assert.equal(out.oauth_project_id, out.project_id)
    assert.deepEqual(out.oauth_methods, ['oauth1'])
    // the delegated member role and what bootstrap makes it imply; not the admin role
    assert.deepEqual(out.oauth_roles, ['member', 'reader'])
    assert.equal(out.oauth_access_token_id, out.access_token_id)
    assert.equal(out.oauth_consumer_id, out.consumer_id)
    assert.deepEqual(out.validated_oauth, {
      access_token_id: out.access_token_id,
      consumer_id: out.consumer_id,
    })
    assert.deepEqual(out.validated_roles, ['member', 'reader'])
    assert.deepEqual(out.listed, [out.access_token_id])
  })
})
