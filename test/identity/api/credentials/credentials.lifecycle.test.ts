/**
 * /v3/credentials and OS-EC2 as Keystone 22 answers them, on every store dialect: owners and
 * admins, Keystone 22's list filtering, an EC2 credential's ID, the PATCH rules, the per-user
 * limit, delegated tokens refused, and credentials gone with their user.
 */
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { test } from 'node:test'
import { apiSuite, assertError, caller } from '../v3/support.ts'

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

apiSuite('credentials', (api) => {
  test('create, show, list, update and delete; members see only their own', async () => {
    const s = await api().seed()
    const mine = await api().call('POST', '/v3/credentials', {
      token: 'member',
      body: { credential: { type: 'cert', user_id: s.memberId, blob: 'pem', color: 'blue' } },
    })
    assert.equal(mine.status, 201, mine.body)
    const cred = mine.json.credential
    assert.match(cred.id, /^[0-9a-f]{32}$/)
    assert.deepEqual(
      { ...cred, id: undefined, links: undefined },
      {
        id: undefined,
        links: undefined,
        user_id: s.memberId,
        project_id: null,
        type: 'cert',
        blob: 'pem',
        color: 'blue',
      },
    )
    assert.equal(cred.links.self, `http://ks.example:5000/v3/credentials/${cred.id}`)
    const stored = await api().store.credentials.get(cred.id)
    assert.ok(!stored.encryptedBlob.includes('pem'))
    assert.match(stored.keyHash, /^[0-9a-f]{40}$/)

    const access = 'AKIA-admin'
    const admins = await api().call('POST', '/v3/credentials', {
      body: {
        credential: {
          type: 'ec2',
          user_id: s.adminId,
          project_id: s.projectId,
          blob: JSON.stringify({ access, secret: 's' }),
        },
      },
    })
    assert.equal(admins.status, 201, admins.body)
    assert.equal(admins.json.credential.id, sha256(access))

    const ids = async (token: string, query = '') =>
      (await api().call('GET', `/v3/credentials${query}`, { token })).json.credentials
        .map((c: { id: string }) => c.id)
        .sort()
    assert.deepEqual(await ids('member'), [cred.id])
    assert.deepEqual(await ids('admin'), [cred.id, sha256(access)].sort())
    assert.deepEqual(await ids('admin', '?type=ec2'), [sha256(access)])
    assert.deepEqual(await ids('admin', `?user_id=${s.memberId}`), [cred.id])
    assert.deepEqual(await ids('member', `?user_id=${s.adminId}`), [])

    const shown = await api().call('GET', `/v3/credentials/${sha256(access)}`)
    assert.equal(shown.json.credential.blob, JSON.stringify({ access, secret: 's' }))

    const patched = await api().call('PATCH', `/v3/credentials/${cred.id}`, {
      token: 'member',
      body: { credential: { blob: 'pem2' } },
    })
    assert.equal(patched.status, 200, patched.body)
    assert.equal(patched.json.credential.blob, 'pem2')
    assert.equal(patched.json.credential.color, 'blue')
    assert.equal(
      (await api().call('GET', `/v3/credentials/${cred.id}`, { token: 'member' })).json.credential
        .blob,
      'pem2',
    )
    // an EC2 blob's scope keys never change
    assertError(
      await api().call('PATCH', `/v3/credentials/${sha256(access)}`, {
        body: { credential: { blob: JSON.stringify({ access, secret: 't', trust_id: 'x' }) } },
      }),
      400,
      'trust_id can not be updated for credential',
    )
    const rekeyed = await api().call('PATCH', `/v3/credentials/${sha256(access)}`, {
      body: { credential: { blob: JSON.stringify({ access, secret: 't' }) } },
    })
    assert.equal(rekeyed.status, 200, rekeyed.body)
    // after an update the plaintext is the blob as is (Keystone's manager): still shown as a string
    assert.equal(
      (await api().call('GET', `/v3/credentials/${sha256(access)}`)).json.credential.blob,
      '{"access": "AKIA-admin", "secret": "t"}',
    )

    assert.equal(
      (await api().call('DELETE', `/v3/credentials/${cred.id}`, { token: 'member' })).status,
      204,
    )
    assertError(
      await api().call('GET', `/v3/credentials/${cred.id}`),
      404,
      `Could not find credential: ${cred.id}.`,
    )
  })

  test('OS-EC2: create, list, show, delete; the owner decides, not the path', async () => {
    const s = await api().seed()
    const base = `/v3/users/${s.memberId}/credentials/OS-EC2`
    const made = await api().call('POST', base, {
      token: 'member',
      body: { tenant_id: s.projectId },
    })
    assert.equal(made.status, 201, made.body)
    const ec2 = made.json.credential
    assert.match(ec2.access, /^[0-9a-f]{32}$/)
    assert.match(ec2.secret, /^[0-9a-f]{32}$/)
    assert.equal(ec2.links.self, `http://ks.example:5000/v3${base.slice(3)}/${ec2.access}`)
    const asV3 = await api().call('GET', `/v3/credentials/${sha256(ec2.access)}`, {
      token: 'member',
    })
    assert.equal(asV3.json.credential.type, 'ec2')
    assert.equal(
      asV3.json.credential.blob,
      `{"access": "${ec2.access}", "secret": "${ec2.secret}", "trust_id": null}`,
    )
    const list = await api().call('GET', base, { token: 'member' })
    assert.deepEqual(
      list.json.credentials.map((c: { access: string }) => c.access),
      [ec2.access],
    )
    const one = await api().call('GET', `${base}/${ec2.access}`, { token: 'member' })
    assert.deepEqual(one.json.credential, ec2)
    // Keystone checks the credential's owner, not the path's user
    const viaAdminPath = `/v3/users/${s.adminId}/credentials/OS-EC2/${ec2.access}`
    assert.equal((await api().call('DELETE', viaAdminPath, { token: 'member' })).status, 204)
    assertError(await api().call('GET', `${base}/${ec2.access}`, { token: 'member' }), 404)
  })

  test('delegated tokens are refused, and filtered out of lists', async () => {
    const s = await api().seed()
    await api().call('POST', `/v3/users/${s.memberId}/credentials/OS-EC2`, {
      token: 'member',
      body: { tenant_id: s.projectId },
    })
    api().callers.set(
      'app-cred',
      caller({ userId: s.memberId, roles: ['member'], methods: ['application_credential'] }),
    )
    const message =
      'You are not authorized to perform the requested action: Delegated tokens cannot access ' +
      'credentials directly.'
    assertError(
      await api().call('POST', `/v3/users/${s.memberId}/credentials/OS-EC2`, {
        token: 'app-cred',
        body: { tenant_id: s.projectId },
      }),
      403,
      message,
    )
    assertError(
      await api().call('POST', '/v3/credentials', {
        token: 'app-cred',
        body: { credential: { type: 'cert', user_id: s.memberId, blob: 'b' } },
      }),
      403,
      message,
    )
    const listed = await api().call('GET', '/v3/credentials', { token: 'app-cred' })
    assert.equal(listed.status, 200)
    assert.deepEqual(listed.json.credentials, [])
  })

  test('credentials go with their user', async () => {
    const s = await api().seed()
    await api().call('POST', `/v3/users/${s.adminId}/credentials/OS-EC2`, {
      body: { tenant_id: s.projectId },
    })
    await api().call('POST', '/v3/credentials', {
      body: { credential: { type: 'cert', user_id: s.memberId, blob: 'b' } },
    })
    assert.equal((await api().store.credentials.list()).length, 2)
    assert.equal((await api().call('DELETE', `/v3/users/${s.memberId}`)).status, 204)
    assert.deepEqual(
      (await api().store.credentials.list()).map((c) => c.type),
      ['ec2'],
    )
  })
})

apiSuite(
  'credentials with [credential] user_limit',
  (api) => {
    test('a user over the limit gets 403 and nothing is written', async () => {
      const s = await api().seed()
      const create = () =>
        api().call('POST', '/v3/credentials', {
          token: 'member',
          body: { credential: { type: 'cert', user_id: s.memberId, blob: 'b' } },
        })
      assert.equal((await create()).status, 201)
      assertError(
        await create(),
        403,
        'Unable to create additional credentials, maximum of 1 already exceeded for user.',
      )
      assertError(
        await api().call('POST', `/v3/users/${s.memberId}/credentials/OS-EC2`, {
          token: 'member',
          body: { tenant_id: s.projectId },
        }),
        403,
      )
      assert.equal((await api().store.credentials.list()).length, 1)
    })
  },
  { credential: { user_limit: '1' } },
)
