/**
 * The control for the service-token matrix: the Python keystonemiddleware (Debian's 10.1) against
 * the real Keystone 22 under uwsgi, with the same short token lifetimes. It proves the matrix's
 * expectations are Keystone's own behaviour, not Baton's reading of it.
 * @module
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { keystoneMissing, startKeystone } from './keystone_process.ts'
import { pythonAuthtokenMissing, startPythonAuthtoken } from './python_authtoken.ts'
import {
  authtokenConfigLines,
  MATRIX_IDENTITY_CONFIG,
  prepareMatrixWorld,
  runServiceTokenMatrix,
} from './service_token_matrix.ts'

test('Python keystonemiddleware + real Keystone: the service-token matrix holds (control)', {
  skip: keystoneMissing || pythonAuthtokenMissing,
  timeout: 180_000,
}, async (t) => {
  const keystone = await startKeystone(MATRIX_IDENTITY_CONFIG)
  assert.ok(keystone, 'keystone was probed as installed')
  t.after(() => keystone.stop())
  const world = await prepareMatrixWorld(keystone.url, keystone.adminEnv)
  const ksm = await startPythonAuthtoken({
    configLines: authtokenConfigLines(keystone.url, world.middleware),
  })
  assert.ok(ksm, 'keystonemiddleware was probed as installed')
  t.after(() => ksm.stop())
  const result = await runServiceTokenMatrix(t, {
    identityUrl: keystone.url,
    adminEnv: keystone.adminEnv,
    guardedUrl: ksm.url,
    label: 'python-ksm+keystone',
  })
  assert.equal(result.outcomes.length, 13, 'every case ran')
})
