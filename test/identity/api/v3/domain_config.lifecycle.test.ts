/**
 * The domain configuration API (keystone/api/domains.py, resource/core.py DomainConfigManager):
 * PUT 201 then 200, GET of the whole config, a group and an option, PATCH merging at each level,
 * DELETE of an option, a group and everything, the sensitive LDAP password stored but never
 * returned, Keystone's 403 for unsupported groups and options and 404 for missing ones, the
 * defaults, policy, and the configuration going with its domain.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { apiSuite, assertError, rowCount } from './support.ts'

const CONFIG = {
  identity: { driver: 'ldap' },
  ldap: { url: 'ldap://myldap.com:389/', user_tree_dn: 'ou=Users,dc=my_new_root,dc=org' },
}

apiSuite('domain configuration', (api) => {
  async function domain(name = 'cfg') {
    await api().seed()
    const res = await api().call('POST', '/v3/domains', { body: { domain: { name } } })
    return res.json.domain.id as string
  }

  test('create, show at every level, update, delete; the password is never returned', async () => {
    const d = await domain()
    const url = `/v3/domains/${d}/config`
    const first = await api().call('PUT', url, {
      body: { config: { ...CONFIG, ldap: { ...CONFIG.ldap, password: 's3cret' } } },
    })
    assert.equal(first.status, 201, first.body)
    assert.deepEqual(first.json, { config: CONFIG })
    assert.doesNotMatch(first.body, /s3cret/)
    assert.deepEqual((await api().call('GET', url)).json, { config: CONFIG })
    assert.deepEqual((await api().call('GET', `${url}/ldap`)).json, {
      config: { ldap: CONFIG.ldap },
    })
    assert.deepEqual((await api().call('GET', `${url}/identity/driver`)).json, {
      config: { driver: 'ldap' },
    })
    assertError(
      await api().call('GET', `${url}/ldap/password`),
      404,
      `Could not find option password in group ldap in domain configuration for domain ${d}.`,
    )
    assert.equal((await api().call('HEAD', url)).status, 200)

    const merged = await api().call('PATCH', url, {
      body: { config: { identity: { list_limit: 5 } } },
    })
    assert.deepEqual(merged.json.config.identity, { driver: 'ldap', list_limit: 5 })
    const group = await api().call('PATCH', `${url}/identity`, {
      body: { config: { identity: { driver: 'sql' } } },
    })
    assert.deepEqual(group.json.config.identity, { driver: 'sql', list_limit: 5 })
    const option = await api().call('PATCH', `${url}/ldap/url`, {
      body: { config: { url: 'ldap://other' } },
    })
    assert.equal(option.json.config.ldap.url, 'ldap://other')
    assertError(
      await api().call('PATCH', `${url}/ldap/user`, { body: { config: { user: 'cn=x' } } }),
      404,
      `Could not find option user in group ldap in domain configuration for domain ${d}.`,
    )
    assertError(
      await api().call('PATCH', `${url}/identity`, {
        body: { config: { ldap: { url: 'ldap://x' } } },
      }),
      403,
      /request to update group identity, but config provided contains group ldap instead/,
    )

    // a second PUT replaces everything (the password too) and answers 200
    const again = await api().call('PUT', url, { body: { config: { identity: { driver: 'x' } } } })
    assert.equal(again.status, 200)
    assert.deepEqual(again.json, { config: { identity: { driver: 'x' } } })
    assert.equal(await rowCount(api().env.database, 'domain_config'), 1)

    assert.equal((await api().call('DELETE', `${url}/identity/driver`)).status, 204)
    assertError(
      await api().call('GET', url),
      404,
      `Could not find any options in domain configuration for domain ${d}.`,
    )
    assertError(
      await api().call('DELETE', `${url}/identity`),
      404,
      `Could not find group identity in domain configuration for domain ${d}.`,
    )
    assert.equal((await api().call('DELETE', url)).status, 204)
  })

  test('validation: 403 for what Keystone refuses, 400 for a body it cannot read', async () => {
    const d = await domain()
    const put = (config: unknown) =>
      api().call('PUT', `/v3/domains/${d}/config`, { body: { config } })
    assertError(await put({}), 403, 'Invalid domain specific configuration: No options specified.')
    assertError(await api().call('PUT', `/v3/domains/${d}/config`, { body: {} }), 403)
    assertError(
      await put({ assignment: { driver: 'sql' } }),
      403,
      'Invalid domain specific configuration: Group assignment is not supported for domain specific configurations.',
    )
    assertError(
      await put({ ldap: { nope: 1 } }),
      403,
      'Invalid domain specific configuration: Option nope in group ldap is not supported for domain specific configurations.',
    )
    assertError(
      await put({ ldap: 'x' }),
      403,
      /The value of group ldap specified in the config should be a dictionary of options/,
    )
    assertError(await put('ldap'), 400)
    assertError(await put([{ ldap: {} }]), 400)
    assertError(await api().call('GET', `/v3/domains/${d}/config/assignment`), 403)
    assertError(
      await api().call('PUT', '/v3/domains/nope/config', { body: { config: CONFIG } }),
      404,
    )
    assert.equal(await rowCount(api().env.database, 'domain_config'), 0)
  })

  test('defaults, policy, and the configuration goes with its domain', async () => {
    const d = await domain()
    const all = await api().call('GET', '/v3/domains/config/default')
    assert.deepEqual(Object.keys(all.json.config).sort(), ['identity', 'ldap'])
    assert.deepEqual(all.json.config.identity, { driver: 'sql', list_limit: null })
    assert.equal(all.json.config.ldap.password, undefined)
    const ldap = await api().call('GET', '/v3/domains/config/ldap/default')
    assert.equal(ldap.json.config.ldap.url, 'ldap://localhost')
    const one = await api().call('GET', '/v3/domains/config/identity/driver/default')
    assert.deepEqual(one.json, { config: { driver: 'sql' } })
    assertError(
      await api().call('GET', '/v3/domains/config/ldap/password/default'),
      403,
      'Invalid domain specific configuration: Reading the default for option password in group ldap is not supported.',
    )
    assertError(await api().call('GET', '/v3/domains/config/nope/default'), 403)

    assertError(
      await api().call('PUT', `/v3/domains/${d}/config`, {
        token: 'member',
        body: { config: CONFIG },
      }),
      403,
      'You are not authorized to perform the requested action: identity:create_domain_config.',
    )
    assertError(await api().call('GET', '/v3/domains/config/default', { token: 'member' }), 403)
    assert.equal(
      (await api().call('GET', '/v3/domains/config/default', { token: 'system-reader' })).status,
      200,
    )
    await api().call('PUT', `/v3/domains/${d}/config`, { body: { config: CONFIG } })
    await api().call('PATCH', `/v3/domains/${d}`, { body: { domain: { enabled: false } } })
    assert.equal((await api().call('DELETE', `/v3/domains/${d}`)).status, 204)
    assert.equal(await rowCount(api().env.database, 'domain_config'), 0)
  })
})
