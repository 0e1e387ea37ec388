import assert from 'node:assert/strict'
import { test } from 'node:test'
import { verifyPassword } from '../../../../packages/identity/src/passwords/index.ts'
import { apiSuite, assertError, caller } from './support.ts'

apiSuite('application credentials', (api) => {
  test("create returns the secret once (generated), roles default to the token's", async () => {
    const s = await api().seed()
    const base = `/v3/users/${s.memberId}/application_credentials`
    const res = await api().call('POST', base, {
      token: 'member',
      body: {
        application_credential: {
          name: 'mon',
          expires_at: '2031-02-27T18:30:59.123456',
          secret: null,
        },
      },
    })
    assert.equal(res.status, 201, res.body)
    const cred = res.json.application_credential
    assert.match(cred.secret, /^[A-Za-z0-9_-]{86}$/)
    assert.equal(cred.expires_at, '2031-02-27T18:30:59.123456')
    assert.equal(cred.project_id, s.projectId)
    assert.equal(cred.user_id, s.memberId)
    assert.equal(cred.unrestricted, false)
    assert.deepEqual(cred.roles.map((r: { name: string }) => r.name).sort(), ['member', 'reader'])
    assert.equal(cred.links.self, `http://ks.example:5000/v3/application_credentials/${cred.id}`)
    const hash = await api().store.applicationCredentials.getSecretHash(cred.id)
    assert.equal(await verifyPassword(cred.secret, hash), true)
    const got = await api().call('GET', `${base}/${cred.id}`, { token: 'member' })
    assert.equal(got.status, 200)
    assert.equal('secret' in got.json.application_credential, false)
    const list = await api().call('GET', `${base}?name=mon`, { token: 'member' })
    assert.deepEqual(
      list.json.application_credentials.map((c: { id: string }) => c.id),
      [cred.id],
    )
    assertError(
      await api().call('POST', base, {
        token: 'member',
        body: { application_credential: { name: 'mon' } },
      }),
      409,
      'Conflict occurred attempting to store application_credential - Duplicate entry found with name mon.',
    )
    assert.equal(
      (await api().call('DELETE', `${base}/${cred.id}`, { token: 'member' })).status,
      204,
    )
    assertError(
      await api().call('GET', `${base}/${cred.id}`, { token: 'member' }),
      404,
      `Could not find Application Credential: ${cred.id}.`,
    )
  })

  test('roles must be held; other users, past expiry and extras are refused', async () => {
    const s = await api().seed()
    const base = `/v3/users/${s.memberId}/application_credentials`
    const post = (body: Record<string, unknown>, token = 'member') =>
      api().call('POST', base, { token, body: { application_credential: { name: 'c', ...body } } })
    assertError(
      await post({ roles: [{ name: 'admin' }] }),
      400,
      'Invalid application credential: Cannot create an application credential with unassigned role',
    )
    assertError(await post({ roles: [{ name: 'nosuch' }] }), 404, 'Role nosuch is not defined')
    assertError(
      await post({ roles: [{ id: 'a', name: 'b' }] }),
      400,
      "Invalid input for field 'roles/0': {'id': 'a', 'name': 'b'} has too many properties",
    )
    assertError(
      await post({ expires_at: '2000-01-01T00:00:00' }),
      400,
      /^The 'expires_at' must not be before now\./,
    )
    assertError(await post({ expires_at: 'soon' }), 400, /^Timestamp not in expected format\./)
    assertError(
      await post({ colour: 'red' }),
      400,
      "'colour' is an invalid keyword argument for ApplicationCredentialModel",
    )
    assertError(
      await api().call('POST', `/v3/users/${s.adminId}/application_credentials`, {
        token: 'member',
        body: { application_credential: { name: 'x' } },
      }),
      403,
    )
    assertError(
      await post({}, 'admin'),
      403,
      // the default rule is `user_id:%(user_id)s`, admin or not
      'You are not authorized to perform the requested action: identity:create_application_credential.',
    )
    assert.deepEqual(await api().store.applicationCredentials.list(s.memberId), [])
  })

  test('a restricted application-credential token cannot manage credentials', async () => {
    const s = await api().seed()
    const base = `/v3/users/${s.memberId}/application_credentials`
    const first = await api().call('POST', base, {
      token: 'member',
      body: { application_credential: { name: 'r' } },
    })
    api().callers.set(
      'via-cred',
      caller({
        userId: s.memberId,
        roles: ['member'],
        roleIds: [s.roles.member],
        scope: { kind: 'project', projectId: s.projectId, projectDomainId: s.domainId },
        methods: ['application_credential'],
        applicationCredentialId: first.json.application_credential.id,
      }),
    )
    assertError(
      await api().call('POST', base, {
        token: 'via-cred',
        body: { application_credential: { name: 'x' } },
      }),
      403,
      "You are not authorized to perform the requested action: Using method 'application_credential' is not allowed for managing additional application credentials..",
    )
  })

  test('EC2- and OAuth1-derived tokens, or tokens without methods, manage no application credentials or access rules (Keystone 22 _block_delegated_token_app_creds)', async () => {
    const s = await api().seed()
    const base = `/v3/users/${s.memberId}/application_credentials`
    const mine = await api().call('POST', base, {
      token: 'member',
      body: { application_credential: { name: 'kept' } },
    })
    assert.equal(mine.status, 201, mine.body)
    const id = mine.json.application_credential.id
    const rules = `/v3/users/${s.memberId}/access_rules`
    const member = (methods: string[]) =>
      caller({
        userId: s.memberId,
        roles: ['member'],
        roleIds: [s.roles.member],
        scope: { kind: 'project', projectId: s.projectId, projectDomainId: s.domainId },
        methods,
      })
    for (const methods of [['ec2credential'], ['oauth1'], [], ['password', 'ec2credential']]) {
      api().callers.set('delegated', member(methods))
      const calls: [string, string, unknown?][] = [
        ['GET', base],
        ['POST', base, { application_credential: { name: 'backdoor' } }],
        ['GET', `${base}/${id}`],
        ['DELETE', `${base}/${id}`],
        ['GET', rules],
        ['GET', `${rules}/0123456789abcdef0123456789abcdef`],
        ['DELETE', `${rules}/0123456789abcdef0123456789abcdef`],
      ]
      for (const [method, url, body] of calls) {
        const res = await api().call(method, url, {
          token: 'delegated',
          ...(body === undefined ? {} : { body }),
        })
        // Keystone's Forbidden keeps its reason to itself
        assertError(res, 403, 'You are not authorized to perform the requested action.')
      }
    }
    const left = await api().store.applicationCredentials.list(s.memberId)
    assert.deepEqual(
      left.map((a) => a.name),
      ['kept'],
      'nothing created, nothing deleted',
    )
    // the same user through a primary method still manages them
    api().callers.set('direct', member(['password', 'totp']))
    const listed = await api().call('GET', base, { token: 'direct' })
    assert.equal(listed.status, 200, listed.body)
  })
})
