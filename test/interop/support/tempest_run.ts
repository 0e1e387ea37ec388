/**
 * Tempest's identity API tests against an identity server: one tempest.conf (the same for Baton
 * and the real Keystone, only the URL and admin password differ), the server settings it needs to
 * match, and a run in a throw-away tempest workspace that returns each test's outcome. Used by
 * test/interop/tempest.identity.test.ts and scripts/tempest_side_by_side.ts.
 * @module
 */
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { promisify } from 'node:util'

export const TEMPEST = '/usr/bin/tempest'
export const tempestMissing = existsSync(TEMPEST)
  ? false
  : 'python3-tempest is not installed (apt-get install python3-tempest; .ci/run does)'

/*
 * PCI-DSS: the server's [security_compliance] must match tempest's [identity] user_lockout_* and
 * user_unique_last_password_count (devstack sets both sides to the same values in its one run;
 * tempest's lockout test sleeps user_lockout_duration + 1 seconds).
 */
const LOCKOUT_ATTEMPTS = 2
const LOCKOUT_SECONDS = 5
const UNIQUE_PASSWORDS = 2

/** Config sections the identity server under test needs (Baton's identity.conf or keystone.conf). */
export const TEMPEST_SERVER_CONFIG: readonly string[] = [
  '[security_compliance]',
  `lockout_failure_attempts = ${LOCKOUT_ATTEMPTS}`,
  `lockout_duration = ${LOCKOUT_SECONDS}`,
  `unique_last_password_count = ${UNIQUE_PASSWORDS}`,
]

export function tempestConf(url: string, adminPassword: string): string {
  return `[DEFAULT]
log_file = tempest.log

[auth]
use_dynamic_credentials = true
admin_username = admin
admin_password = ${adminPassword}
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

export type TempestOutcome = 'ok' | 'FAILED' | 'SKIPPED'

export type TempestResult = {
  readonly passed: number
  readonly skipped: number
  readonly failed: number
  /** Each test's outcome by its ID (class and method, without tempest's [id-...] tags). */
  readonly tests: ReadonlyMap<string, TempestOutcome>
  readonly stdout: string
}

/** `tempest run --regex regex [--exclude-regex exclude]` against `url`, in a fresh workspace. */
export async function runTempest(options: {
  readonly url: string
  readonly adminPassword: string
  readonly regex: string
  readonly exclude?: string | undefined
  readonly concurrency?: number
}): Promise<TempestResult> {
  const workspace = mkdtempSync(join(tmpdir(), 'baton-tempest-'))
  const name = basename(workspace) // tempest keeps a registry of workspace names in ~/.tempest
  const run = promisify(execFile)
  await run(TEMPEST, ['init', '--name', name, join(workspace, 'ws')])
  try {
    writeFileSync(
      join(workspace, 'ws', 'etc', 'tempest.conf'),
      tempestConf(options.url, options.adminPassword),
    )
    const args = [
      'run',
      '--concurrency',
      String(options.concurrency ?? 2),
      '--regex',
      options.regex,
    ]
    if (options.exclude !== undefined) args.push('--exclude-regex', options.exclude)
    const result = await run(TEMPEST, args, {
      cwd: join(workspace, 'ws'),
      timeout: 1_200_000,
      maxBuffer: 64 * 1024 * 1024,
    }).catch((error: { stdout?: string; stderr?: string }) => ({
      stdout: error.stdout ?? '',
      stderr: error.stderr ?? '',
    }))
    const total = (label: string) =>
      Number(new RegExp(`- ${label}: (\\d+)`).exec(result.stdout)?.[1] ?? Number.NaN)
    const tests = new Map<string, TempestOutcome>()
    // `{0} tempest.api.identity...Class.test_name[id-...,smoke] [0.5s] ... ok`
    const line =
      /^\{\d+\} (tempest\.\S+?)(?:\[[^\]]*\])? (?:\[[\d.]+s\] )?\.\.\. (ok|FAILED|SKIPPED)/
    for (const text of result.stdout.split('\n')) {
      const m = line.exec(text)
      if (m?.[1] !== undefined) tests.set(m[1], m[2] as TempestOutcome)
    }
    return {
      passed: total('Passed'),
      skipped: total('Skipped'),
      failed: total('Failed'),
      tests,
      stdout: result.stdout,
    }
  } finally {
    await run(TEMPEST, ['workspace', 'remove', '--name', name]).catch(() => {})
  }
}
