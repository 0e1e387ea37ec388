/**
 * `baton doctor` on `[token] allow_expired_window` against the senders' `[service_user] delegate`
 * (issue 15): a warning where every sender delegates but the window is still open, an error on each
 * sender that does not delegate where the window is 0, nothing where they agree.
 * @module
 */
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { startTestIdentity, type TestIdentity } from '../../support/identity_server.ts'
import { iniText } from '../../support/ini_text.ts'
import { runBaton } from '../cli_harness.ts'

type Finding = {
  severity: 'error' | 'warning'
  file: string
  section: string
  option: string
  problem: string
}

let identity: TestIdentity

before(async () => {
  identity = await startTestIdentity()
})
after(async () => {
  await identity.close()
})

/** identity, compute and volume configs; the findings about the window and delegation. */
async function findings(window: number, delegates: { compute: boolean; volume: boolean }) {
  const dir = mkdtempSync(join(tmpdir(), 'baton-doctor-delegation-'))
  const file = (name: string, text: string) => {
    const path = join(dir, name)
    writeFileSync(path, `${text}\n`, { mode: 0o600 })
    return path
  }
  const identityConf = file(
    'identity.conf',
    iniText({
      database: { connection: `sqlite:///${join(dir, 'identity.db')}` },
      token: { expiration: 600, allow_expired_window: window },
      fernet_tokens: { key_repository: join(dir, 'keys'), max_active_keys: 3 },
    }),
  )
  const setup = await runBaton(['keys', 'setup', '--config-file', identityConf], {
    now: identity.clock.now,
  })
  assert.equal(setup.status, 0, setup.stderr)
  const svc = identity.users.svc
  const service = (name: string, delegate: boolean) =>
    file(
      `${name}.conf`,
      iniText({
        keystone_authtoken: identity.authtokenOptions(),
        service_user: {
          send_service_user_token: true,
          delegate,
          auth_type: 'password',
          auth_url: `${identity.url}/v3`,
          username: svc.name,
          password: svc.password,
          user_domain_name: 'Default',
          project_name: svc.project,
          project_domain_name: 'Default',
        },
      }),
    )
  const compute = service('compute', delegates.compute)
  const volume = service('volume', delegates.volume)
  const run = await runBaton(
    [
      'doctor',
      '--format',
      'json',
      ...[identityConf, compute, volume].flatMap((f) => ['--config-file', f]),
    ],
    { now: identity.clock.now },
  )
  const all = (JSON.parse(run.stdout) as { findings: Finding[] }).findings
  return {
    status: run.status,
    identityConf,
    compute,
    volume,
    about: all.filter((f) => f.option === 'allow_expired_window' || f.option === 'delegate'),
  }
}

test('every sender delegates, window still open: a warning on identity’s allow_expired_window', async () => {
  const r = await findings(3600, { compute: true, volume: true })
  assert.equal(r.about.length, 1, JSON.stringify(r.about))
  const [w] = r.about
  assert.equal(w?.severity, 'warning')
  assert.equal(w?.file, r.identityConf)
  assert.equal(w?.section, 'token')
  assert.match(w?.problem ?? '', /3600 s although every sender/)
})

test('window 0 and a sender that does not delegate: an error on that sender’s delegate', async () => {
  const r = await findings(0, { compute: true, volume: false })
  assert.equal(r.status, 1)
  assert.equal(r.about.length, 1, JSON.stringify(r.about))
  const [e] = r.about
  assert.equal(e?.severity, 'error')
  assert.equal(e?.file, r.volume)
  assert.equal(e?.section, 'service_user')
  assert.match(e?.problem ?? '', /allow_expired_window = 0/)
})

test('window 0 and every sender delegates, or a window and nobody delegates: nothing to say', async () => {
  assert.deepEqual((await findings(0, { compute: true, volume: true })).about, [])
  assert.deepEqual((await findings(3600, { compute: false, volume: true })).about, [])
})
