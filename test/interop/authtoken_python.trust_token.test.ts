/**
 * A trust-scoped token issued by Baton passes the Python keystonemiddleware (Debian's) as
 * Keystone's would: the trust's project, the delegated roles, and under impersonation the
 * trustor as the user; once the trust is deleted, the same token is refused (KSM re-validates:
 * its cache is off here).
 * @module
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { startIdentity } from './identity_process.ts'
import { pythonAuthtokenMissing, startPythonAuthtoken } from './python_authtoken.ts'
import { issuePasswordToken, v3Root } from './support/keystone_api.ts'
import { authtokenConfigLines, prepareMatrixWorld } from './support/matrix_world.ts'

test('Python keystonemiddleware accepts a Baton trust-scoped token, and refuses it once the trust is gone', {
  skip: pythonAuthtokenMissing,
  timeout: 120_000,
}, async (t) => {
  const identity = await startIdentity()
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

  // the matrix user (member on its project) trusts the service user, impersonating
  const trustor = await issuePasswordToken(identity.url, world.user)
  const created = await fetch(`${root}/OS-TRUST/trusts`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Auth-Token': trustor.id },
    body: JSON.stringify({
      trust: {
        trustor_user_id: world.user.id,
        trustee_user_id: world.service.id,
        project_id: world.projectId,
        impersonation: true,
        roles: [{ name: 'member' }],
      },
    }),
  })
  assert.equal(created.status, 201, await created.clone().text())
  const trustId = ((await created.json()) as { trust: { id: string } }).trust.id

  const issued = await fetch(`${root}/auth/tokens?nocatalog`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: {
            user: {
              name: world.service.username,
              domain: { name: 'Default' },
              password: world.service.password,
            },
          },
        },
        scope: { 'OS-TRUST:trust': { id: trustId } },
      },
    }),
  })
  assert.equal(issued.status, 201, await issued.clone().text())
  const token = String(issued.headers.get('x-subject-token'))

  const passed = await fetch(`${ksm.url}/`, { headers: { 'X-Auth-Token': token } })
  assert.equal(passed.status, 200, await passed.clone().text())
  const headers = ((await passed.json()) as { identity: Record<string, string> }).identity
  assert.equal(headers['x-identity-status'], 'Confirmed')
  assert.equal(headers['x-user-id'], world.user.id, 'impersonation: the trustor')
  assert.equal(headers['x-project-id'], world.projectId)
  assert.deepEqual(headers['x-roles']?.split(',').sort(), ['member', 'reader'])

  const removed = await fetch(`${root}/OS-TRUST/trusts/${trustId}`, {
    method: 'DELETE',
    headers: { 'X-Auth-Token': trustor.id },
  })
  assert.equal(removed.status, 204)
  const refused = await fetch(`${ksm.url}/`, { headers: { 'X-Auth-Token': token } })
  assert.equal(refused.status, 401)
})
