/**
 * `change_password_upon_first_use` and `disable_user_account_days_inactive` through a whole
 * in-process server (config file, API, auth, token validation): a new user must change the
 * admin-given password before it logs in (Keystone's PasswordExpired 401), and a user who has
 * not authenticated for N days reads `enabled: false` and cannot log in until re-enabled.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  ADMIN_PASSWORD,
  startTestIdentity,
  type TestIdentity,
} from '../../../support/identity_server.ts'
import { passwordLogin } from '../../../support/login.ts'

const DAY_S = 86_400

async function login(url: string, userId: string, password: string) {
  const res = await fetch(`${url}/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      auth: { identity: { methods: ['password'], password: { user: { id: userId, password } } } },
    }),
  })
  return { status: res.status, json: (await res.json()) as Record<string, never> }
}

async function selfChange(url: string, userId: string, original: string, password: string) {
  const res = await fetch(`${url}/v3/users/${userId}/password`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ user: { original_password: original, password } }),
  })
  return res.status
}

describe('change_password_upon_first_use and disable_user_account_days_inactive', () => {
  let identity: TestIdentity
  before(async () => {
    identity = await startTestIdentity({
      extraConfig: [
        '[security_compliance]',
        'change_password_upon_first_use = true',
        'disable_user_account_days_inactive = 3',
      ],
    })
  })
  after(() => identity?.close())

  /** A v3 call with a fresh admin token: the clock moves by days here. */
  async function admin(method: string, path: string, body?: unknown) {
    const { token } = await passwordLogin(identity.url, 'admin', ADMIN_PASSWORD, 'admin')
    const res = await fetch(`${identity.url}/v3${path}`, {
      method,
      headers: { 'X-Auth-Token': token, 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    assert.ok(res.status < 300, `${method} ${path}: ${res.status}`)
    return (await res.json()) as unknown
  }

  test('a new user logs in only after changing its first password', async () => {
    const { alice } = identity.users
    const first = await login(identity.url, alice.id, alice.password)
    assert.equal(first.status, 401)
    assert.deepEqual(first.json, {
      error: {
        code: 401,
        title: 'Unauthorized',
        message: `The password is expired and needs to be changed for user: ${alice.id}.`,
      },
    })
    assert.equal(await selfChange(identity.url, alice.id, alice.password, 'mine-now'), 204)
    assert.equal((await login(identity.url, alice.id, 'mine-now')).status, 201)
  })

  test('N days without authenticating read as disabled; re-enabling starts the count again', async () => {
    const { svc } = identity.users
    // the bootstrap admin goes idle like anyone else: exempt it so the test can administer
    const { users } = (await admin('GET', '/users?name=admin')) as { users: { id: string }[] }
    await admin('PATCH', `/users/${users[0]?.id}`, {
      user: { options: { ignore_user_inactivity: true } },
    })
    await admin('PATCH', `/users/${svc.id}`, {
      user: { options: { ignore_change_password_upon_first_use: true }, password: 'svc-pw' },
    })
    assert.equal((await login(identity.url, svc.id, 'svc-pw')).status, 201)
    identity.clock.advance(2 * DAY_S)
    assert.equal((await login(identity.url, svc.id, 'svc-pw')).status, 201) // last active: today
    identity.clock.advance(3 * DAY_S)
    const shown = (await admin('GET', `/users/${svc.id}`)) as { user: { enabled: boolean } }
    assert.equal(shown.user.enabled, false)
    assert.equal((await login(identity.url, svc.id, 'svc-pw')).status, 401)
    const listed = (await admin('GET', '/users?name=svc')) as {
      users: { enabled: boolean }[]
    }
    assert.equal(listed.users[0]?.enabled, false)
    await admin('PATCH', `/users/${svc.id}`, { user: { enabled: true } })
    assert.equal((await login(identity.url, svc.id, 'svc-pw')).status, 201)
  })

  test('ignore_user_inactivity keeps an idle user enabled', async () => {
    const { nosvc } = identity.users
    await admin('PATCH', `/users/${nosvc.id}`, {
      user: {
        options: { ignore_user_inactivity: true, ignore_change_password_upon_first_use: true },
        password: 'idle-pw',
      },
    })
    identity.clock.advance(30 * DAY_S)
    const shown = (await admin('GET', `/users/${nosvc.id}`)) as {
      user: { enabled: boolean }
    }
    assert.equal(shown.user.enabled, true)
    assert.equal((await login(identity.url, nosvc.id, 'idle-pw')).status, 201)
  })
})
