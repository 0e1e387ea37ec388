import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { promisify } from 'node:util'
import { ADMIN_PASSWORD, type IdentityProcess, startIdentity } from './identity_process.ts'

const TEMPEST = '/usr/bin/tempest'
const tempestMissing = existsSync(TEMPEST)
  ? false
  : 'python3-tempest is not installed (apt-get install python3-tempest; .ci/run does)'

/** Areas Baton does not implement (yet); everything else under tempest.api.identity runs. */
const NOT_IMPLEMENTED = [
  // Keystone 22 fails it too: Debian's security update (LP#2159643) refuses a PATCH carrying
  // `type` and `project_id`, which this tempest sends (Baton answers Keystone's 400)
  'test_credentials_create_get_update_delete',
]

/*
 * PCI-DSS: the server's [security_compliance] must match tempest's [identity] user_lockout_* and
 * user_unique_last_password_count (devstack sets both sides to the same values in its one run;
 * tempest's lockout test sleeps user_lockout_duration + 1 seconds).
 */
const LOCKOUT_ATTEMPTS = 2
const LOCKOUT_SECONDS = 5
const UNIQUE_PASSWORDS = 2

function tempestConf(url: string): string {
  return `[DEFAULT]
log_file = tempest.log

[auth]
use_dynamic_credentials = true
admin_username = admin
admin_password = ${ADMIN_PASSWORD}
admin_project_name = admin
admin_domain_name = Default

[identity]
uri_v3 = ${url}/v3
auth_version = v3
region = RegionOne
v3_endpoint_type = public
catalog_type = identity
default_domain_id = default
admin_role = admin
user_lockout_failure_attempts = ${LOCKOUT_ATTEMPTS}
user_lockout_duration = ${LOCKOUT_SECONDS}
user_unique_last_password_count = ${UNIQUE_PASSWORDS}

[identity-feature-enabled]
trust = true
api_extensions = OS-INHERIT, OS-EC2
security_compliance = true
access_rules = true
project_tags = true
application_credentials = true

[service_available]
nova = false
glance = false
swift = false
cinder = false
neutron = false
horizon = false
`
}

describe("tempest's identity API tests against baton serve identity", {
  skip: tempestMissing,
}, () => {
  let identity: IdentityProcess
  before(async () => {
    // Tempest creates a user per test class: keep bcrypt cheap, the hashing is tested elsewhere.
    identity = await startIdentity([
      '[identity]',
      'password_hash_rounds = 4',
      '[security_compliance]',
      `lockout_failure_attempts = ${LOCKOUT_ATTEMPTS}`,
      `lockout_duration = ${LOCKOUT_SECONDS}`,
      `unique_last_password_count = ${UNIQUE_PASSWORDS}`,
    ])
  })
  after(async () => {
    await identity?.stop()
  })

  test('every implemented identity test passes (v3 API, admin v3 API, OS-INHERIT)', async (t) => {
    const workspace = mkdtempSync(join(tmpdir(), 'baton-tempest-'))
    const name = basename(workspace) // tempest keeps a registry of workspace names in ~/.tempest
    const run = promisify(execFile)
    await run(TEMPEST, ['init', '--name', name, join(workspace, 'ws')])
    t.after(() => run(TEMPEST, ['workspace', 'remove', '--name', name]).catch(() => {}))
    writeFileSync(join(workspace, 'ws', 'etc', 'tempest.conf'), tempestConf(identity.url))
    const result = await run(
      TEMPEST,
      [
        'run',
        '--concurrency',
        '2',
        '--regex',
        '^tempest\\.api\\.identity',
        '--exclude-regex',
        `(${NOT_IMPLEMENTED.join('|')})`,
      ],
      { cwd: join(workspace, 'ws'), timeout: 600_000, maxBuffer: 64 * 1024 * 1024 },
    ).catch((error: { stdout?: string; stderr?: string }) => ({
      stdout: error.stdout ?? '',
      stderr: error.stderr ?? '',
    }))
    const totals = (name: string) =>
      Number(new RegExp(`- ${name}: (\\d+)`).exec(result.stdout)?.[1] ?? NaN)
    const failures = result.stdout.split('\n').filter((line) => /\.\.\. FAILED/.test(line))
    t.diagnostic(
      `tempest: passed ${totals('Passed')}, skipped ${totals('Skipped')}, failed ${totals('Failed')}`,
    )
    assert.deepEqual(failures, [], result.stdout.slice(-4000))
    assert.equal(totals('Failed'), 0)
    // 114 passed, 15 skipped at the time of writing (the skips are v2, gone from Keystone, and
    // features tempest's config leaves off).
    assert.ok(totals('Passed') >= 100, `passed: ${totals('Passed')}\n${result.stdout.slice(-2000)}`)
  })
})
