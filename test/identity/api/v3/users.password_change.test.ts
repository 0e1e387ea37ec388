import assert from 'node:assert/strict'
import { test } from 'node:test'
import { verifyPassword } from '../../../../packages/identity/src/passwords/index.ts'
import { apiSuite, assertError } from './support.ts'

apiSuite('POST /v3/users/{id}/password', (api) => {
  test('self-service change needs no token, stores a self-service hash and revokes', async () => {
    const s = await api().seed()
    const res = await api().call('POST', `/v3/users/${s.memberId}/password`, {
      token: null,
      body: { user: { original_password: 's3cr3t', password: 'n3w' } },
    })
    assert.equal(res.status, 204, res.body)
    const stored = await api().store.identity.getPassword(s.memberId)
    assert.equal(stored?.selfService, true)
    assert.equal(await verifyPassword('n3w', stored?.hash), true)
    assert.deepEqual(
      (await api().store.revocation.listSince()).map((e) => e.userId),
      [s.memberId],
    )
  })

  test('wrong original or unknown user is the generic 401 and counts a failure', async () => {
    const s = await api().seed()
    const wrong = await api().call('POST', `/v3/users/${s.memberId}/password`, {
      token: null,
      body: { user: { original_password: 'nope', password: 'n3w' } },
    })
    assertError(wrong, 401, 'The request you have made requires authentication.')
    assert.match(
      String(wrong.headers['www-authenticate']),
      /^Keystone uri="http:\/\/ks.example:5000\/v3"$/,
    )
    assert.equal((await api().store.identity.getUser(s.memberId)).failedAuthCount, 1)
    assertError(
      await api().call('POST', '/v3/users/nope/password', {
        token: null,
        body: { user: { original_password: 'x', password: 'y' } },
      }),
      401,
    )
    assert.deepEqual(await api().store.revocation.listSince(), [])
  })

  test('GET is 405; bad bodies are 400 with Keystone messages; lock_password is 400', async () => {
    const s = await api().seed()
    assertError(await api().call('GET', `/v3/users/${s.memberId}/password`, { token: null }), 405)
    assertError(
      await api().call('POST', `/v3/users/${s.memberId}/password`, {
        token: null,
        body: { user: { password: 'x' } },
      }),
      400,
      "'original_password' is a required property",
    )
    assertError(
      await api().call('POST', `/v3/users/${s.memberId}/password`, {
        token: null,
        body: { user: { original_password: 's3cr3t', password: 'x', extra: 1 } },
      }),
      400,
      "Additional properties are not allowed ('extra' was unexpected)",
    )
    await api().call('PATCH', `/v3/users/${s.memberId}`, {
      body: { user: { options: { lock_password: true } } },
    })
    assertError(
      await api().call('POST', `/v3/users/${s.memberId}/password`, {
        token: null,
        body: { user: { original_password: 's3cr3t', password: 'x' } },
      }),
      400,
      /^You cannot change your password at this time/,
    )
  })
})

apiSuite(
  'POST /v3/users/{id}/password with [security_compliance] lockout',
  (api) => {
    test('after lockout_failure_attempts failures even the right password is refused', async () => {
      const s = await api().seed()
      const change = (original: string) =>
        api().call('POST', `/v3/users/${s.memberId}/password`, {
          token: null,
          body: { user: { original_password: original, password: 'n3w' } },
        })
      assertError(await change('bad'), 401)
      assertError(await change('bad'), 401)
      assertError(await change('s3cr3t'), 401)
      api().env.clock.advance(61_000)
      assert.equal((await change('s3cr3t')).status, 204)
    })

    test('20 parallel wrong originals check only lockout_failure_attempts of them', async () => {
      const s = await api().seed()
      const change = (original: string) =>
        api().call('POST', `/v3/users/${s.memberId}/password`, {
          token: null,
          body: { user: { original_password: original, password: 'n3w' } },
        })
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => change(`bad-${i}`)))
      for (const res of answers) assertError(res, 401)
      // each checked wrong original is one counted failure; the refused ones wrote nothing
      assert.equal((await api().store.identity.getUser(s.memberId)).failedAuthCount, 2)
      assertError(await change('s3cr3t'), 401)
    })
  },
  { security_compliance: { lockout_failure_attempts: '2', lockout_duration: '60' } },
)
