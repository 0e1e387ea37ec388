/**
 * Pairing (2) of the service-token matrix: the Python keystonemiddleware (Debian's 10.1) guarding
 * an echo app, validating against a real `baton serve identity` with short token lifetimes.
 * @module
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { startIdentity } from './identity_process.ts'
import { pythonAuthtokenMissing, startPythonAuthtoken } from './python_authtoken.ts'
import {
  authtokenConfigLines,
  MATRIX_IDENTITY_CONFIG,
  prepareMatrixWorld,
  runServiceTokenMatrix,
} from './service_token_matrix.ts'

test('Python keystonemiddleware + Baton identity: the service-token matrix holds', {
  skip: pythonAuthtokenMissing,
  timeout: 180_000,
}, async (t) => {
  const identity = await startIdentity(MATRIX_IDENTITY_CONFIG)
  t.after(() => identity.stop())
  const world = await prepareMatrixWorld(identity.url, identity.adminEnv)
  const ksm = await startPythonAuthtoken({
    configLines: authtokenConfigLines(identity.url, world.middleware),
  })
  assert.ok(ksm, 'keystonemiddleware was probed as installed')
  t.after(() => ksm.stop())
  const result = await runServiceTokenMatrix(t, {
    identityUrl: identity.url,
    adminEnv: identity.adminEnv,
    guardedUrl: ksm.url,
    label: 'python-ksm+baton-identity',
  })
  assert.equal(result.outcomes.length, 13, 'every case ran')
})
