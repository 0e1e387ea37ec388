import assert from 'node:assert/strict'
import { test } from 'node:test'
import { formFields, oauthHeader } from '../../support/oauth1_signer.ts'
import { type Api, apiSuite, assertError, caller } from './support.ts'

/** Keystone hides the reason of a 401 or 403 (SecurityError) unless insecure_debug is on. */
const HIDDEN_401 = 'The request you have made requires authentication.'
const HIDDEN_403 = 'You are not authorized to perform the requested action.'

const V3 = 'http://ks.example:5000/v3'
const FORM = 'application/x-www-form-urlencoded'

/** A consumer, created through the API (the secret is shown once, here). */
async function newConsumer(api: Api) {
  const res = await api.call('POST', '/v3/OS-OAUTH1/consumers', { body: { consumer: {} } })
  assert.equal(res.status, 201, res.body)
  return { key: res.json.consumer.id as string, secret: res.json.consumer.secret as string }
}

async function requestToken(
  api: Api,
  consumer: { key: string; secret: string },
  projectId: string,
) {
  const url = `${V3}/OS-OAUTH1/request_token`
  return api.call('POST', '/v3/OS-OAUTH1/request_token', {
    token: null,
    headers: {
      authorization: oauthHeader({
        url,
        consumerKey: consumer.key,
        consumerSecret: consumer.secret,
        callback: 'oob',
        now: api.env.clock.now(),
      }),
      'requested-project-id': projectId,
    },
  })
}

async function accessToken(
  api: Api,
  consumer: { key: string; secret: string },
  request: { token: string; secret: string },
  verifier: string,
) {
  return api.call('POST', '/v3/OS-OAUTH1/access_token', {
    token: null,
    headers: {
      authorization: oauthHeader({
        url: `${V3}/OS-OAUTH1/access_token`,
        consumerKey: consumer.key,
        consumerSecret: consumer.secret,
        token: request.token,
        tokenSecret: request.secret,
        verifier,
        now: api.env.clock.now(),
      }),
    },
  })
}

apiSuite('OS-OAUTH1 delegation', (api) => {
  test('request token -> authorize -> access token -> list, show, roles, delete', async () => {
    const seed = await api().seed()
    const consumer = await newConsumer(api())
    const req = await requestToken(api(), consumer, seed.projectId)
    assert.equal(req.status, 201, req.body)
    assert.equal(req.headers['content-type'], FORM)
    const rt = formFields(req.body)
    assert.deepEqual(Object.keys(rt), ['oauth_token', 'oauth_token_secret', 'oauth_expires_at'])
    assert.match(rt.oauth_token ?? '', /^[0-9a-f]{32}$/)
    assert.match(rt.oauth_expires_at ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/)
    // 28800 seconds, Keystone's default request_token_duration
    assert.equal(Date.parse(rt.oauth_expires_at ?? ''), api().env.clock.now() + 28800 * 1000)
    const stored = await api().store.oauthTokens.getRequestToken(rt.oauth_token ?? '')
    assert.equal(stored.requestSecret, rt.oauth_token_secret)

    const authorized = await api().call('PUT', `/v3/OS-OAUTH1/authorize/${rt.oauth_token}`, {
      body: { roles: [{ id: seed.roles.member }, { name: 'reader' }] },
    })
    assert.equal(authorized.status, 200, authorized.body)
    const verifier = authorized.json.token.oauth_verifier
    assert.deepEqual(Object.keys(authorized.json), ['token'])
    assert.match(verifier, /^[a-zA-Z2-9]{8}$/)
    assert.doesNotMatch(verifier, /[jiIl1oO0]/)

    const acc = await accessToken(
      api(),
      consumer,
      { token: rt.oauth_token ?? '', secret: rt.oauth_token_secret ?? '' },
      verifier,
    )
    assert.equal(acc.status, 201, acc.body)
    assert.equal(acc.headers['content-type'], FORM)
    const at = formFields(acc.body)
    assert.deepEqual(Object.keys(at), ['oauth_token', 'oauth_token_secret', 'oauth_expires_at'])
    // the request token is used up
    await assert.rejects(api().store.oauthTokens.getRequestToken(rt.oauth_token ?? ''))
    const row = await api().store.oauthTokens.getAccessToken(at.oauth_token ?? '')
    assert.deepEqual(row.roleIds.toSorted(), [seed.roles.member, seed.roles.reader].toSorted())
    assert.equal(row.accessSecret, at.oauth_token_secret)

    const base = `/v3/users/${seed.adminId}/OS-OAUTH1/access_tokens`
    const list = await api().call('GET', base)
    assert.equal(list.status, 200, list.body)
    const expected = {
      id: at.oauth_token,
      authorizing_user_id: seed.adminId,
      project_id: seed.projectId,
      consumer_id: consumer.key,
      expires_at: at.oauth_expires_at,
      links: {
        roles: `${V3}/users/${seed.adminId}/OS-OAUTH1/access_tokens/${at.oauth_token}/roles`,
        self: `${V3}/users/${seed.adminId}/OS-OAUTH1/access_tokens/${at.oauth_token}`,
      },
    }
    assert.deepEqual(list.json.access_tokens, [expected])
    const shown = await api().call('GET', `${base}/${at.oauth_token}`)
    assert.deepEqual(shown.json, { access_token: expected })
    assert.equal(JSON.stringify(shown.json).includes(at.oauth_token_secret ?? '-'), false)

    const roles = await api().call('GET', `${base}/${at.oauth_token}/roles`)
    assert.equal(roles.status, 200, roles.body)
    assert.deepEqual(roles.json.roles.map((r: { name: string }) => r.name).toSorted(), [
      'member',
      'reader',
    ])
    assert.equal(roles.json.roles[0].description, undefined)
    const role = await api().call('GET', `${base}/${at.oauth_token}/roles/${seed.roles.member}`)
    assert.equal(role.status, 200, role.body)
    assert.equal(role.json.role.links.self, `${V3}/roles/${seed.roles.member}`)
    assertError(await api().call('GET', `${base}/${at.oauth_token}/roles/${seed.roles.admin}`), 404)
    // another user's path: NotFound (Keystone's bare one); the role member says 401
    const other = `/v3/users/${seed.memberId}/OS-OAUTH1/access_tokens/${at.oauth_token}`
    assertError(await api().call('GET', other), 404)
    assertError(await api().call('GET', `${other}/roles/${seed.roles.member}`), 401, HIDDEN_401)
    assertError(await api().call('DELETE', other), 401, HIDDEN_401)
    // policy: admin_required
    assertError(await api().call('GET', base, { token: 'member' }), 403)

    assert.equal((await api().call('DELETE', `${base}/${at.oauth_token}`)).status, 204)
    assertError(await api().call('GET', `${base}/${at.oauth_token}`), 404, 'Access token not found')
  })

  test("Keystone's answers to bad OAuth requests", async () => {
    const seed = await api().seed()
    const consumer = await newConsumer(api())
    const url = `${V3}/OS-OAUTH1/request_token`
    const now = api().env.clock.now()
    const signed = (extra: Partial<Parameters<typeof oauthHeader>[0]> = {}) =>
      oauthHeader({
        url,
        consumerKey: consumer.key,
        consumerSecret: consumer.secret,
        callback: 'oob',
        now,
        ...extra,
      })
    const post = (headers: Record<string, string>) =>
      api().call('POST', '/v3/OS-OAUTH1/request_token', { token: null, headers })
    const project = { 'requested-project-id': seed.projectId }

    assertError(
      await post({ authorization: signed({ signature: 'forged' }), ...project }),
      401,
      HIDDEN_401,
    )
    assertError(
      await post({ authorization: signed({ consumerSecret: 'wrong' }), ...project }),
      401,
      HIDDEN_401,
    )
    assertError(await post({ authorization: signed() }), 400, /Requested-Project-Id/)
    assertError(
      await post({ authorization: signed(), 'requested-project-id': 'nope' }),
      404,
      /nope/,
    )
    assertError(
      await post({ authorization: signed({ consumerKey: 'f'.repeat(32) }), ...project }),
      404,
      'Consumer not found',
    )
    assertError(
      await post({ authorization: signed({ callback: undefined }), ...project }),
      400,
      'Validation failed with errors: invalid_request, detail message is: Missing callback URI..',
    )
    assertError(
      await post({ authorization: signed({ now: now - 3600_000 }), ...project }),
      400,
      'Validation failed with errors: invalid_request, detail message is: Timestamp given is ' +
        'invalid, differ from allowed by over 600 seconds..',
    )
    assertError(await post({ ...project }), 400)
    assertError(await api().call('GET', '/v3/OS-OAUTH1/request_token', { token: null }), 405)
    // nothing was written by any of these
    assert.equal((await api().store.oauthTokens.listAccessTokens(seed.adminId)).length, 0)

    const rt = formFields((await requestToken(api(), consumer, seed.projectId)).body)
    const authorize = (body: unknown, token = 'admin') =>
      api().call('PUT', `/v3/OS-OAUTH1/authorize/${rt.oauth_token}`, { body, token })
    // roles not held on the project
    assertError(await authorize({ roles: [{ id: seed.roles.service }] }), 401, HIDDEN_401)
    assertError(await authorize({ roles: [{ name: 'nope' }] }), 404, 'Role nope is not defined')
    assertError(await authorize({ roles: [{ id: 'a', name: 'b' }] }), 400)
    assertError(await authorize({ roles: 'member' }), 400)
    // a delegated caller (an application credential's token)
    api().callers.set(
      'appcred',
      caller({
        ...api().callers.get('admin'),
        userId: seed.adminId,
        methods: ['application_credential'],
      }),
    )
    assertError(await authorize({ roles: [{ id: seed.roles.member }] }, 'appcred'), 403, HIDDEN_403)
    assertError(
      await api().call('GET', `/v3/users/${seed.adminId}/OS-OAUTH1/access_tokens`, {
        token: 'appcred',
      }),
      403,
      HIDDEN_403,
    )
    assertError(
      await api().call('PUT', `/v3/OS-OAUTH1/authorize/${'0'.repeat(32)}`, {
        body: { roles: [{ id: seed.roles.member }] },
      }),
      404,
      'Request token not found',
    )

    const good = await authorize({ roles: [{ id: seed.roles.member }] })
    const verifier: string = good.json.token.oauth_verifier
    const pair = { token: rt.oauth_token ?? '', secret: rt.oauth_token_secret ?? '' }
    const wrong = verifier === 'aaaaaaaa' ? 'bbbbbbbb' : 'aaaaaaaa'
    assertError(await accessToken(api(), consumer, pair, wrong), 401, HIDDEN_401)
    assertError(
      await accessToken(api(), consumer, pair, 'short'),
      400,
      'Validation failed with errors: invalid_request, detail message is: Invalid verifier format..',
    )
    assertError(
      await accessToken(api(), consumer, { ...pair, secret: 'wrong' }, verifier),
      401,
      HIDDEN_401,
    )
    const stranger = await newConsumer(api())
    assertError(await accessToken(api(), stranger, pair, verifier), 401, HIDDEN_401)
    // expired: past request_token_duration (the request signed at the new time)
    api().env.clock.advance(28801 * 1000)
    assertError(await accessToken(api(), consumer, pair, verifier), 401, HIDDEN_401)
    assertError(await authorize({ roles: [{ id: seed.roles.member }] }), 401, HIDDEN_401)
    assert.equal((await api().store.oauthTokens.listAccessTokens(seed.adminId)).length, 0)
  })

  test('deleting the consumer deletes its tokens', async () => {
    const seed = await api().seed()
    const consumer = await newConsumer(api())
    const rt = formFields((await requestToken(api(), consumer, seed.projectId)).body)
    const ok = await api().call('PUT', `/v3/OS-OAUTH1/authorize/${rt.oauth_token}`, {
      body: { roles: [{ id: seed.roles.member }] },
    })
    const pair = { token: rt.oauth_token ?? '', secret: rt.oauth_token_secret ?? '' }
    const acc = await accessToken(api(), consumer, pair, ok.json.token.oauth_verifier)
    assert.equal(acc.status, 201, acc.body)
    const res = await api().call('DELETE', `/v3/OS-OAUTH1/consumers/${consumer.key}`)
    assert.equal(res.status, 204, res.body)
    assert.deepEqual(await api().store.oauthTokens.listAccessTokens(seed.adminId), [])
  })
})
