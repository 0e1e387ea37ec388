import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import {
  startTestIdentity,
  type TestIdentity,
  type WorldUser,
} from '../../support/identity_server.ts'
import { iniText } from '../../support/ini_text.ts'
import { type CliRun, runBaton } from '../cli_harness.ts'

type Finding = {
  severity: 'error' | 'warning'
  file: string
  section: string
  option: string
  problem: string
  fix: string
}

let identity: TestIdentity

before(async () => {
  identity = await startTestIdentity()
})
after(async () => {
  await identity.close()
})

/** A world of three configs: identity, compute and volume (each a receiver and a sender). */
async function world(
  o: {
    compute?: {
      serviceUser?: Record<string, string | boolean>
      authtoken?: Record<string, string | boolean>
    }
    volume?: { authtoken?: Record<string, string | boolean> }
  } = {},
) {
  const dir = mkdtempSync(join(tmpdir(), 'baton-doctor-'))
  const file = (name: string, text: string, mode = 0o600) => {
    const path = join(dir, name)
    writeFileSync(path, `${text}\n`, { mode })
    return path
  }
  const identityConf = file(
    'identity.conf',
    iniText({
      database: { connection: `sqlite:///${join(dir, 'identity.db')}` },
      token: { expiration: 600, allow_expired_window: 3600 },
      fernet_tokens: { key_repository: join(dir, 'keys'), max_active_keys: 3 },
    }),
  )
  const setup = await runBaton(['keys', 'setup', '--config-file', identityConf], {
    now: identity.clock.now,
  })
  assert.equal(setup.status, 0, setup.stderr)
  const serviceUser = (user: WorldUser) => ({
    send_service_user_token: true,
    auth_type: 'password',
    auth_url: `${identity.url}/v3`,
    username: user.name,
    password: user.password,
    user_domain_name: 'Default',
    project_name: user.project,
    project_domain_name: 'Default',
  })
  const compute = file(
    'compute.conf',
    iniText({
      keystone_authtoken: { ...identity.authtokenOptions(), ...o.compute?.authtoken },
      service_user: { ...serviceUser(identity.users.svc), ...o.compute?.serviceUser },
    }),
  )
  const volume = file(
    'volume.conf',
    iniText({
      keystone_authtoken: { ...identity.authtokenOptions(), ...o.volume?.authtoken },
      service_user: serviceUser(identity.users.svc),
    }),
  )
  return { dir, file, identityConf, compute, volume }
}

async function doctor(files: readonly string[], extra: string[] = []): Promise<CliRun> {
  return runBaton(['doctor', ...files.flatMap((f) => ['--config-file', f]), ...extra], {
    now: identity.clock.now,
  })
}

async function doctorJson(files: readonly string[]): Promise<{ run: CliRun; findings: Finding[] }> {
  const run = await doctor(files, ['--format', 'json'])
  const parsed = JSON.parse(run.stdout) as { findings: Finding[] }
  return { run, findings: parsed.findings }
}

const errorsOf = (findings: Finding[]) => findings.filter((f) => f.severity === 'error')

test('a clean chain: exit 0, no errors, each file read as what it is', async () => {
  const w = await world()
  const run = await doctor([w.identityConf, w.compute, w.volume])
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`)
  assert.doesNotMatch(run.stdout, /^ERROR/m)
  assert.match(run.stdout, /identity\.conf: identity node$/m)
  assert.match(
    run.stdout,
    /compute\.conf: receiver \[keystone_authtoken\], sender \[service_user\]$/m,
  )
  assert.match(run.stdout, /No problems found in 3 config files\./)
})

test('send_service_user_token = false is exactly one error naming file, section and option', async () => {
  const w = await world({ compute: { serviceUser: { send_service_user_token: false } } })
  const { run, findings } = await doctorJson([w.identityConf, w.compute, w.volume])
  assert.equal(run.status, 1)
  assert.match(run.stderr, /^baton: doctor found 1 error$/)
  const parsed = JSON.parse(run.stdout) as {
    files: { file: string; roles: string[] }[]
    summary: { errors: number; warnings: number }
  }
  assert.equal(parsed.summary.errors, 1)
  assert.deepEqual(parsed.files[0], { file: w.identityConf, roles: ['identity node'] })
  const errors = errorsOf(findings)
  assert.equal(errors.length, 1, JSON.stringify(findings, null, 2))
  assert.equal(errors[0]?.file, w.compute)
  assert.equal(errors[0]?.section, 'service_user')
  assert.equal(errors[0]?.option, 'send_service_user_token')
  assert.match(errors[0]?.problem ?? '', /^false: .*user's token alone/)
  assert.match(errors[0]?.fix ?? '', /send_service_user_token = true/)
})

test('a missing send_service_user_token says it is not set', async () => {
  const w = await world()
  const sender = w.file(
    'sender.conf',
    iniText({ service_user: { auth_type: 'password', auth_url: `${identity.url}/v3` } }),
  )
  const { findings } = await doctorJson([sender])
  const [only, ...rest] = errorsOf(findings)
  assert.equal(rest.length, 0)
  assert.equal(only?.option, 'send_service_user_token')
  assert.match(only?.problem ?? '', /^not set \(the default is false\)/)
})

test('service_token_roles_required = false is exactly one error explaining the bypass', async () => {
  const w = await world({ volume: { authtoken: { service_token_roles_required: false } } })
  const run = await doctor([w.identityConf, w.compute, w.volume])
  assert.equal(run.status, 1)
  const blocks = run.stdout.split('\n').filter((l) => l.startsWith('ERROR'))
  assert.deepEqual(blocks, [`ERROR: ${w.volume} [keystone_authtoken] service_token_roles_required`])
  assert.match(run.stdout, /any valid token, a plain user's included, is accepted/)
  assert.match(run.stdout, /application-credential access rules/)
  assert.match(run.stdout, /1 error, 0 warnings in 3 config files\./)
})

test('a sender whose service user lacks the role: one error per receiver, with the role add fix', async () => {
  const w = await world({
    compute: { serviceUser: { username: 'nosvc', password: identity.users.nosvc.password } },
  })
  const { run, findings } = await doctorJson([w.identityConf, w.compute, w.volume])
  assert.equal(run.status, 1)
  const errors = errorsOf(findings)
  assert.equal(errors.length, 1, JSON.stringify(findings, null, 2))
  const [e] = errors
  assert.equal(e?.file, w.compute)
  assert.equal(e?.section, 'service_user')
  assert.equal(e?.option, 'username')
  assert.match(
    e?.problem ?? '',
    /service user 'nosvc' \(domain Default\) holds roles [a-z, ]*\bmember\b[a-z, ]* on project service,/,
  )
  assert.ok(
    e?.problem.includes(`none of ${w.volume} [keystone_authtoken] service_token_roles (service)`),
  )
  assert.equal(
    e?.fix,
    'openstack role add --user nosvc --user-domain Default --project service --project-domain Default service',
  )
})

test('a receiver whose service_token_roles the sender does not hold, and an empty list', async () => {
  const w = await world({ volume: { authtoken: { service_token_roles: 'operator' } } })
  const { findings } = await doctorJson([w.identityConf, w.compute, w.volume])
  const errors = errorsOf(findings)
  assert.deepEqual(
    errors.map((e) => [e.file, e.option]),
    [[w.compute, 'username']],
  )
  assert.match(errors[0]?.fix ?? '', / operator$/)

  const empty = await world({ volume: { authtoken: { service_token_roles: '' } } })
  const second = await doctorJson([empty.identityConf, empty.compute, empty.volume])
  assert.deepEqual(
    errorsOf(second.findings).map((e) => [e.file, e.section, e.option]),
    [[empty.volume, 'keystone_authtoken', 'service_token_roles']],
  )
})

test('credentials identity refuses: an error naming the user, never the password', async () => {
  const w = await world({ compute: { serviceUser: { password: 'not-the-password' } } })
  const run = await doctor([w.identityConf, w.compute, w.volume])
  assert.equal(run.status, 1)
  assert.match(run.stdout, /ERROR: .*compute\.conf \[service_user\] password/)
  assert.match(run.stdout, /refused the credentials of user 'svc' \(domain Default\)/)
  assert.ok(!run.stdout.includes('not-the-password') && !run.stderr.includes('not-the-password'))
  assert.ok(!run.stdout.includes(identity.users.svc.password))
})

test('incomplete credentials and a middleware user without the service role are errors', async () => {
  const w = await world({
    compute: {
      serviceUser: { auth_url: '' },
      authtoken: {
        username: 'alice',
        password: identity.users.alice.password,
        project_name: 'demo',
      },
    },
  })
  const { findings } = await doctorJson([w.compute])
  assert.deepEqual(
    errorsOf(findings).map((e) => [e.section, e.option]),
    [
      ['service_user', 'auth_url'],
      ['keystone_authtoken', 'username'],
    ],
  )
  assert.match(errorsOf(findings)[1]?.problem ?? '', /neither service nor admin/)
})

test('an unreachable identity skips the checks that need it, with warnings', async () => {
  const w = await world()
  const down = 'http://127.0.0.1:9/v3'
  const compute = w.file(
    'down.conf',
    iniText({
      keystone_authtoken: { ...identity.authtokenOptions(), auth_url: down },
      service_user: {
        send_service_user_token: true,
        auth_type: 'password',
        auth_url: down,
        username: 'svc',
        password: 'x',
        user_domain_id: 'default',
        project_name: 'service',
        project_domain_id: 'default',
      },
    }),
  )
  const { run, findings } = await doctorJson([compute])
  assert.equal(run.status, 0, JSON.stringify(findings, null, 2))
  assert.deepEqual(
    findings.map((f) => [f.severity, f.section, f.option]),
    [
      ['warning', 'service_user', 'auth_url'],
      ['warning', 'keystone_authtoken', 'auth_url'],
    ],
  )
  assert.match(findings[0]?.problem ?? '', /did not answer/)
})

test('config files: missing is one line and exit 1; a bad value is a finding; typos warn', async () => {
  const missing = await doctor(['/nonexistent/compute.conf'])
  assert.equal(missing.status, 1)
  assert.equal(missing.stderr, 'baton: config file /nonexistent/compute.conf: not found')
  const none = await runBaton(['doctor'])
  assert.equal(none.status, 2)
  assert.match(none.stderr, /at least one --config-file/)

  const w = await world()
  const bad = w.file(
    'bad.conf',
    iniText({ keystone_authtoken: { service_token_roles_required: 'maybe' } }),
  )
  const typo = w.file(
    'typo.conf',
    iniText({
      keystone_authtoken: { ...identity.authtokenOptions(), service_token_role_required: false },
    }),
  )
  const { run, findings } = await doctorJson([bad, typo])
  assert.equal(run.status, 1)
  assert.deepEqual(
    findings.map((f) => [f.severity, f.file, f.section, f.option]),
    [
      ['error', bad, 'keystone_authtoken', 'service_token_roles_required'],
      ['warning', typo, 'keystone_authtoken', 'service_token_role_required'],
    ],
  )
})

test('a config readable by everyone that holds a password: a warning', async () => {
  const w = await world()
  const open = w.file(
    'open.conf',
    iniText({ keystone_authtoken: identity.authtokenOptions() }),
    0o644,
  )
  const { run, findings } = await doctorJson([open])
  assert.equal(run.status, 0)
  assert.deepEqual(
    findings.map((f) => [f.severity, f.option]),
    [['warning', 'password']],
  )
  assert.match(findings[0]?.problem ?? '', /mode 644.*\[keystone_authtoken\] password/)
  assert.ok(!JSON.stringify(findings).includes('pw-authtoken'))
})
