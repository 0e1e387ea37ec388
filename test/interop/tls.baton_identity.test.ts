/**
 * Real Python clients against `baton serve identity` on HTTPS (`[ssl] cert_file`, `key_file`) under
 * a test CA: python-openstackclient issues a token and lists the catalog with `OS_CACERT`, and
 * fails on certificate verification without it; the Python keystonemiddleware validates a token
 * with `[keystone_authtoken] cafile`. Each part skips with its reason where the client is missing.
 * @module
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { makeTestTls, type TestTls, trustInTests } from '../support/tls.ts'
import { type IdentityProcess, startIdentity } from './identity_process.ts'
import { openstack, openstackJson, openstackMissing } from './openstack_cli.ts'
import { pythonAuthtokenMissing, startPythonAuthtoken } from './python_authtoken.ts'
import { authtokenConfigLines, prepareMatrixWorld } from './service_token_matrix.ts'

describe('real Python clients talk to Baton identity over HTTPS', () => {
  let tls: TestTls
  let untrust: () => Promise<void>
  let identity: IdentityProcess
  before(async () => {
    tls = makeTestTls()
    untrust = trustInTests(tls.caFile)
    identity = await startIdentity(
      ['[ssl]', `cert_file = ${tls.certFile}`, `key_file = ${tls.keyFile}`],
      { https: true },
    )
  })
  after(async () => {
    await identity?.stop()
    await untrust()
    tls.close()
  })

  test('openstackclient with OS_CACERT: token issue and catalog list; without it: refused', {
    skip: openstackMissing,
  }, async () => {
    assert.match(identity.url, /^https:\/\//)
    const env = { ...identity.adminEnv, OS_CACERT: tls.caFile }
    const token = await openstackJson<{ id: string }>(['token', 'issue'], env)
    assert.ok(token.id.length > 100)
    const catalog = await openstackJson<{ Type: string }[]>(['catalog', 'list'], env)
    assert.ok(catalog.some((entry) => entry.Type === 'identity'))
    const refused = await openstack(['token', 'issue'], identity.adminEnv)
    assert.notEqual(refused.code, 0)
    assert.match(refused.stderr, /CERTIFICATE_VERIFY_FAILED|SSL/)
  })

  test('Python keystonemiddleware with cafile validates a token', {
    skip: pythonAuthtokenMissing || openstackMissing,
  }, async (t) => {
    const world = await prepareMatrixWorld(identity.url, identity.adminEnv)
    const ksm = await startPythonAuthtoken({
      configLines: [
        ...authtokenConfigLines(identity.url, world.middleware),
        `cafile = ${tls.caFile}`,
      ],
    })
    assert.ok(ksm, 'keystonemiddleware was probed as installed')
    t.after(() => ksm.stop())
    const env = { ...identity.adminEnv, OS_CACERT: tls.caFile }
    const token = await openstackJson<{ id: string }>(['token', 'issue'], env)
    const res = await fetch(`${ksm.url}/`, { headers: { 'X-Auth-Token': token.id } })
    const body = await res.text()
    assert.equal(res.status, 200, body)
    assert.match(body, /Confirmed/)
  })
})
