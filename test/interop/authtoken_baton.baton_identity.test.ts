/**
 * Pairing (1) of the service-token matrix: Baton's middleware (`baton serve echo`, a real process)
 * validating against a real `baton serve identity` with short token lifetimes.
 * @module
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { startBatonEcho } from './echo_process.ts'
import { startIdentity } from './identity_process.ts'
import {
  authtokenConfigLines,
  MATRIX_IDENTITY_CONFIG,
  prepareMatrixWorld,
  runServiceTokenMatrix,
} from './service_token_matrix.ts'

test('Baton middleware + Baton identity: the service-token matrix holds', {
  timeout: 180_000,
}, async (t) => {
  const identity = await startIdentity(MATRIX_IDENTITY_CONFIG)
  t.after(() => identity.stop())
  const world = await prepareMatrixWorld(identity.url, identity.adminEnv)
  const echo = await startBatonEcho(authtokenConfigLines(identity.url, world.middleware))
  t.after(() => echo.stop())
  const result = await runServiceTokenMatrix(t, {
    identityUrl: identity.url,
    adminEnv: identity.adminEnv,
    guardedUrl: echo.url,
    label: 'baton-middleware+baton-identity',
  })
  assert.equal(result.outcomes.length, 13, 'every case ran')
})
