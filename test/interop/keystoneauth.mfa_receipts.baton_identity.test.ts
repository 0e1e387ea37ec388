/**
 * keystoneauth1's multi-factor flows against a real `baton serve identity` process (wall clock):
 * a user with a TOTP credential and the rule [password, totp]; v3.Password alone raises
 * MissingAuthMethods carrying Baton's receipt, ReceiptMethod + TOTPMethod then get a token with
 * both methods, and v3.MultiFactor gets one in a single request.
 */
import assert from 'node:assert/strict'
import { execFile, spawnSync } from 'node:child_process'
import { after, before, describe, test } from 'node:test'
import { totpPasscodes } from '../../packages/identity/src/core/auth/totp_passcodes.ts'
import { ADMIN_PASSWORD, type IdentityProcess, startIdentity } from './identity_process.ts'

const PYTHON = '/usr/bin/python3'
const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'
const SCRIPT = new URL('../identity/api/auth/fixtures/keystoneauth_mfa.py', import.meta.url)
  .pathname
const missing =
  spawnSync(PYTHON, ['-c', 'import keystoneauth1.identity.v3'], { stdio: 'ignore' }).status === 0
    ? false
    : 'python3-keystoneauth1 is not installed'

describe('test/interop/keystoneauth.mfa_receipts.baton_identity', { skip: missing }, () => {
  let identity: IdentityProcess
  let userId = ''

  before(async () => {
    identity = await startIdentity([
      '[auth]',
      'methods = external,password,token,oauth1,mapped,application_credential,totp',
    ])
    const login = await fetch(`${identity.url}/v3/auth/tokens`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: {
            methods: ['password'],
            password: {
              user: { name: 'admin', domain: { id: 'default' }, password: ADMIN_PASSWORD },
            },
          },
          scope: { system: { all: true } },
        },
      }),
    })
    assert.equal(login.status, 201)
    const token = login.headers.get('x-subject-token') ?? ''
    const admin = async (method: string, path: string, body: unknown) => {
      const res = await fetch(`${identity.url}/v3${path}`, {
        method,
        headers: { 'Content-Type': 'application/json', 'X-Auth-Token': token },
        body: JSON.stringify(body),
      })
      const text = await res.text()
      assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${text}`)
      return JSON.parse(text)
    }
    const created = await admin('POST', '/users', {
      user: {
        name: 'mfa-user',
        password: 'mfa-pw',
        domain_id: 'default',
        options: { multi_factor_auth_rules: [['password', 'totp']] },
      },
    })
    userId = created.user.id
    await admin('POST', '/credentials', {
      credential: { type: 'totp', user_id: userId, blob: SECRET },
    })
  })
  after(() => identity?.stop())

  test('MissingAuthMethods, then ReceiptMethod + TOTPMethod; and MultiFactor', async () => {
    const input = JSON.stringify({
      url: identity.url,
      user: 'mfa-user',
      password: 'mfa-pw',
      // the server also accepts the previous window, so a boundary crossed meanwhile is fine
      passcode: totpPasscodes(SECRET, Date.now(), 0)[0],
      project: null,
    })
    const run = await new Promise<{ failed: boolean; stdout: string; stderr: string }>((done) => {
      const child = execFile(PYTHON, [SCRIPT], { timeout: 60_000 }, (error, stdout, stderr) =>
        done({ failed: error !== null, stdout, stderr }),
      )
      child.stdin?.end(input)
    })
    assert.ok(!run.failed, `${run.stderr}\n${identity.stderr()}`)
    assert.deepEqual(JSON.parse(run.stdout), {
      receipt_flow: {
        methods: ['password'],
        required: [['password', 'totp']],
        receipt: true,
        token_methods: ['password', 'totp'],
        user_id: userId,
        project_name: null,
      },
      multi_factor: ['password', 'totp'],
    })
  })
})
