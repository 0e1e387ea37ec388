/**
 * `[security_compliance]` password rules on the user routes (Keystone 22's messages): the
 * password regex on create, admin reset and self-service change; the password history and the
 * minimum age on self-service change only; password expiry and change-upon-first-use stamping
 * `password_expires_at`.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { formatEntityTime } from '../../../../packages/identity/src/store/index.ts'
import { type Api, apiSuite, assertError } from './support.ts'

const DAY_MS = 86_400_000

function selfChange(api: Api, userId: string, original: string, password: string) {
  return api.call('POST', `/v3/users/${userId}/password`, {
    token: null,
    body: { user: { original_password: original, password } },
  })
}

apiSuite(
  'password_regex on every new password',
  (api) => {
    test('create, admin reset and self-service change refuse a password the regex rejects', async () => {
      const s = await api().seed()
      const message = 'The password does not match the requirements: At least 8 digits.'
      const before = (await api().store.identity.listUsers()).length
      assertError(
        await api().call('POST', '/v3/users', { body: { user: { name: 'x', password: 'short' } } }),
        400,
        message,
      )
      assert.equal((await api().store.identity.listUsers()).length, before)
      const ok = await api().call('POST', '/v3/users', {
        body: { user: { name: 'x', password: '12345678' } },
      })
      assert.equal(ok.status, 201, ok.body)
      assertError(
        await api().call('PATCH', `/v3/users/${s.memberId}`, {
          body: { user: { password: 'abc' } },
        }),
        400,
        message,
      )
      assertError(await selfChange(api(), s.memberId, 's3cr3t', 'abc'), 400, message)
      // matched from the start, free at the end (re.match)
      assert.equal((await selfChange(api(), s.memberId, 's3cr3t', '123456789x')).status, 204)
      assert.equal((await api().store.identity.listPasswordHistory(s.memberId, 10)).length, 2)
    })
  },
  {
    security_compliance: {
      password_regex: '\\d{8}',
      password_regex_description: 'At least 8 digits',
    },
  },
)

apiSuite(
  'unique_last_password_count and minimum_password_age',
  (api) => {
    test('self-service change refuses the last N passwords; an admin reset does not', async () => {
      const s = await api().seed()
      const history =
        'The new password cannot be identical to a previous password. The total number which ' +
        'includes the new password must be unique is 2.'
      assert.equal((await selfChange(api(), s.memberId, 's3cr3t', 'n1')).status, 204)
      api().env.clock.advance(DAY_MS)
      assertError(await selfChange(api(), s.memberId, 'n1', 'n1'), 400, history)
      assertError(await selfChange(api(), s.memberId, 'n1', 's3cr3t'), 400, history)
      assert.equal((await selfChange(api(), s.memberId, 'n1', 'n2')).status, 204)
      // the admin route sets the same password again
      const reset = await api().call('PATCH', `/v3/users/${s.memberId}`, {
        body: { user: { password: 'n2' } },
      })
      assert.equal(reset.status, 200, reset.body)
      // s3cr3t left the last two, so it may come back
      assert.equal((await selfChange(api(), s.memberId, 'n2', 's3cr3t')).status, 204)
    })

    test('a self-set password must be kept minimum_password_age days', async () => {
      const s = await api().seed()
      // the seeded password was not self-set: the age rule does not apply to it
      assert.equal((await selfChange(api(), s.memberId, 's3cr3t', 'n1')).status, 204)
      api().env.clock.advance(DAY_MS / 2)
      assertError(
        await selfChange(api(), s.memberId, 'n1', 'n2'),
        400,
        'You cannot change your password at this time due to the minimum password age. Once ' +
          'you change your password, it must be used for 1 day(s) before it can be changed. ' +
          'Please try again in 0 day(s) or contact your administrator to reset your password.',
      )
      assert.equal((await api().store.identity.listPasswordHistory(s.memberId, 10)).length, 2)
      api().env.clock.advance(DAY_MS / 2)
      assert.equal((await selfChange(api(), s.memberId, 'n1', 'n2')).status, 204)
    })
  },
  { security_compliance: { unique_last_password_count: '2', minimum_password_age: '1' } },
)

apiSuite(
  'password_expires_days',
  (api) => {
    test('a new password expires after the days, to the second, unless ignore_password_expiry', async () => {
      const s = await api().seed()
      const now = api().env.clock.now()
      const expected = formatEntityTime(Math.floor((now + 90 * DAY_MS) / 1000) * 1_000_000)
      const made = await api().call('POST', '/v3/users', {
        body: { user: { name: 'x', password: 'pw' } },
      })
      assert.equal(made.json.user.password_expires_at, expected)
      const exempt = await api().call('POST', '/v3/users', {
        body: { user: { name: 'y', password: 'pw', options: { ignore_password_expiry: true } } },
      })
      assert.equal(exempt.json.user.password_expires_at, null)
      assert.equal((await selfChange(api(), s.memberId, 's3cr3t', 'n1')).status, 204)
      const user = await api().call('GET', `/v3/users/${s.memberId}`)
      assert.equal(user.json.user.password_expires_at, expected)
    })
  },
  { security_compliance: { password_expires_days: '90' } },
)

apiSuite(
  'change_password_upon_first_use',
  (api) => {
    test('a password set at creation or by an admin expires at once; the user’s own does not', async () => {
      const s = await api().seed()
      const now = formatEntityTime(api().env.clock.now() * 1000)
      const made = await api().call('POST', '/v3/users', {
        body: { user: { name: 'x', password: 'pw' } },
      })
      assert.equal(made.json.user.password_expires_at, now)
      const service = await api().call('POST', '/v3/users', {
        body: {
          user: {
            name: 'svc',
            password: 'pw',
            options: { ignore_change_password_upon_first_use: true },
          },
        },
      })
      assert.equal(service.json.user.password_expires_at, null)
      const reset = await api().call('PATCH', `/v3/users/${s.memberId}`, {
        body: { user: { password: 'pw2' } },
      })
      assert.equal(reset.json.user.password_expires_at, now)
      // the change an expired password allows clears the expiry
      assert.equal((await selfChange(api(), s.memberId, 'pw2', 'mine')).status, 204)
      const after = await api().call('GET', `/v3/users/${s.memberId}`)
      assert.equal(after.json.user.password_expires_at, null)
    })
  },
  { security_compliance: { change_password_upon_first_use: 'true' } },
)
