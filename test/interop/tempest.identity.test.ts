import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { ADMIN_PASSWORD, type IdentityProcess, startIdentity } from './identity_process.ts'
import { runTempest, TEMPEST_SERVER_CONFIG, tempestMissing } from './support/tempest_run.ts'

/** Areas Baton does not implement (yet); everything else under tempest.api.identity runs. */
const NOT_IMPLEMENTED = [
  // Keystone 22 fails it too: Debian's security update (LP#2159643) refuses a PATCH carrying
  // `type` and `project_id`, which this tempest sends (Baton answers Keystone's 400)
  'test_credentials_create_get_update_delete',
]

describe("tempest's identity API tests against baton serve identity", {
  skip: tempestMissing,
}, () => {
  let identity: IdentityProcess
  before(async () => {
    // Tempest creates a user per test class: keep bcrypt cheap, the hashing is tested elsewhere.
    identity = await startIdentity([
      '[identity]',
      'password_hash_rounds = 4',
      ...TEMPEST_SERVER_CONFIG,
    ])
  })
  after(async () => {
    await identity?.stop()
  })

  test('every implemented identity test passes (v3 API, admin v3 API, OS-INHERIT)', async (t) => {
    const result = await runTempest({
      url: identity.url,
      adminPassword: ADMIN_PASSWORD,
      regex: '^tempest\\.api\\.identity',
      exclude: `(${NOT_IMPLEMENTED.join('|')})`,
    })
    const failures = [...result.tests].filter(([, outcome]) => outcome === 'FAILED')
    t.diagnostic(
      `tempest: passed ${result.passed}, skipped ${result.skipped}, failed ${result.failed}`,
    )
    assert.deepEqual(failures, [], result.stdout.slice(-4000))
    assert.equal(result.failed, 0)
    // 114 passed, 15 skipped at the time of writing (the skips are v2, gone from Keystone, and
    // features tempest's config leaves off).
    assert.ok(result.passed >= 100, `passed: ${result.passed}\n${result.stdout.slice(-2000)}`)
  })
})
