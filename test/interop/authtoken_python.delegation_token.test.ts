/**
 * Issue 15's interop promise: an unmodified service behind the Python keystonemiddleware (Debian's
 * auth_token filter, cache off) accepts a Baton delegation token as a user token, with
 * `allow_expired_window = 0` and 8-second user tokens: still after the user token it came from
 * expired (the user token itself is then refused), and refuses a delegation once its root user
 * token was revoked. Real processes and a real clock: the test waits out one token lifetime.
 * @module
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { startIdentity } from './identity_process.ts'
import { pythonAuthtokenMissing, startPythonAuthtoken } from './python_authtoken.ts'
import { adminSession, issuePasswordToken, v3Root } from './support/keystone_api.ts'
import { authtokenConfigLines, prepareMatrixWorld } from './support/matrix_world.ts'

const LIFETIME = 8

test('Python keystonemiddleware accepts a delegation past its user token, and refuses it once the root token is revoked', {
  skip: pythonAuthtokenMissing,
  timeout: 120_000,
}, async (t) => {
  const identity = await startIdentity([
    '[token]',
    `expiration = ${LIFETIME}`,
    'allow_expired_window = 0',
  ])
  t.after(() => identity.stop())
  const world = await prepareMatrixWorld(identity.url, identity.adminEnv)
  const ksm = await startPythonAuthtoken({
    configLines: authtokenConfigLines(identity.url, world.middleware).map((line) =>
      line.startsWith('token_cache_time') ? 'token_cache_time = -1' : line,
    ),
  })
  assert.ok(ksm, 'keystonemiddleware was probed as installed')
  t.after(() => ksm.stop())
  const root = v3Root(identity.url)

  const delegate = async (userToken: string, serviceToken: string): Promise<string> => {
    const res = await fetch(`${root}/OS-BATON/delegations?nocatalog`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-Auth-Token': userToken,
        'X-Service-Token': serviceToken,
      },
      body: JSON.stringify({
        delegation: { operation: 'compute:boot:interop', audience: ['compute'], expires_in: 600 },
      }),
    })
    assert.equal(res.status, 201, await res.clone().text())
    return String(res.headers.get('x-subject-token'))
  }
  const at = (token: string) => fetch(`${ksm.url}/`, { headers: { 'X-Auth-Token': token } })

  const service = await issuePasswordToken(identity.url, world.service)
  const kept = await issuePasswordToken(identity.url, world.user)
  const long = await delegate(kept.id, service.id)

  const passed = await at(long)
  assert.equal(passed.status, 200, await passed.clone().text())
  const headers = ((await passed.json()) as { identity: Record<string, string> }).identity
  assert.equal(headers['x-identity-status'], 'Confirmed')
  assert.equal(headers['x-user-id'], world.user.id)
  assert.equal(headers['x-project-id'], world.projectId)
  assert.ok(headers['x-roles']?.split(',').includes('member'))

  // revoking the root user token ends the delegation made from it (tokens issued just before,
  // so the root is still valid when it is revoked, however loaded the machine)
  const doomed = await issuePasswordToken(identity.url, world.user)
  const revokedLater = await delegate(
    doomed.id,
    (await issuePasswordToken(identity.url, world.service)).id,
  )
  assert.equal((await at(revokedLater)).status, 200)
  await adminSession(identity.url, identity.adminEnv).revoke(doomed.id)
  assert.equal((await at(revokedLater)).status, 401)

  // past the user token's expiry (window 0): the user token is refused, the delegation is not
  await sleep(Math.max(0, kept.expiresAt - Date.now()) + 1500)
  assert.equal((await at(kept.id)).status, 401)
  const later = await at(long)
  assert.equal(later.status, 200, await later.clone().text())
})
