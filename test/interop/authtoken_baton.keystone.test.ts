/**
 * Pairing (3) of the service-token matrix: Baton's middleware (`baton serve echo`, a real process)
 * validating against the real Keystone 22 (Debian) under uwsgi, with short token lifetimes.
 * @module
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { startBatonEcho } from './echo_process.ts'
import { keystoneMissing, startKeystone } from './keystone_process.ts'
import {
  authtokenConfigLines,
  MATRIX_IDENTITY_CONFIG,
  prepareMatrixWorld,
  runServiceTokenMatrix,
} from './service_token_matrix.ts'

test('Baton middleware + real Keystone: the service-token matrix holds', {
  skip: keystoneMissing,
  timeout: 180_000,
}, async (t) => {
  const keystone = await startKeystone(MATRIX_IDENTITY_CONFIG)
  assert.ok(keystone, 'keystone was probed as installed')
  t.after(() => keystone.stop())
  const world = await prepareMatrixWorld(keystone.url, keystone.adminEnv)
  const echo = await startBatonEcho(authtokenConfigLines(keystone.url, world.middleware))
  t.after(() => echo.stop())
  const result = await runServiceTokenMatrix(t, {
    identityUrl: keystone.url,
    adminEnv: keystone.adminEnv,
    guardedUrl: echo.url,
    label: 'baton-middleware+keystone',
  })
  assert.equal(result.outcomes.length, 13, 'every case ran')
})
