import assert from 'node:assert/strict'
import { chmodSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import {
  ADMIN_PASSWORD,
  startTestIdentity,
  type TestIdentity,
} from '../../support/identity_server.ts'
import { type CliRun, runBaton } from '../cli_harness.ts'

type Finding = {
  severity: 'error' | 'warning'
  file: string
  section: string
  option: string
  problem: string
  fix: string
}

const HOUR = 3600_000
const T0 = Date.UTC(2030, 0, 1)

let identity: TestIdentity

before(async () => {
  identity = await startTestIdentity()
})
after(async () => {
  await identity.close()
})

/** An identity node's config with its own key repository (not created). */
function node(lines: readonly string[] = [], o: { expiration?: number; window?: number } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'baton-doctor-keys-'))
  const keys = join(dir, 'keys')
  const conf = join(dir, 'identity.conf')
  writeFileSync(
    conf,
    [
      '[token]',
      `expiration = ${o.expiration ?? 600}`,
      `allow_expired_window = ${o.window ?? 3600}`,
      '[fernet_tokens]',
      `key_repository = ${keys}`,
      'max_active_keys = 3',
      ...lines,
      '',
    ].join('\n'),
    { mode: 0o600 },
  )
  return { dir, keys, conf }
}

async function keys(args: string[], conf: string, at: number): Promise<void> {
  const run = await runBaton(['keys', ...args, '--config-file', conf], { now: () => at })
  assert.equal(run.status, 0, run.stderr)
}

async function doctorJson(
  files: readonly string[],
  o: { now?: number; extra?: string[]; env?: Record<string, string> } = {},
): Promise<{ run: CliRun; findings: Finding[] }> {
  const run = await runBaton(
    [
      'doctor',
      ...files.flatMap((f) => ['--config-file', f]),
      '--format',
      'json',
      ...(o.extra ?? []),
    ],
    { now: () => o.now ?? T0, ...(o.env === undefined ? {} : { env: o.env }) },
  )
  const parsed = JSON.parse(run.stdout) as { findings: Finding[] }
  return { run, findings: parsed.findings }
}

const errorsOf = (findings: Finding[]) => findings.filter((f) => f.severity === 'error')

const ADMIN_ENV = {
  OS_USERNAME: 'admin',
  OS_PASSWORD: ADMIN_PASSWORD,
  OS_PROJECT_NAME: 'admin',
  OS_USER_DOMAIN_NAME: 'Default',
  OS_PROJECT_DOMAIN_NAME: 'Default',
}

test('a fresh repository that covers the window: no findings', async () => {
  const n = node()
  await keys(['setup'], n.conf, T0)
  const { run, findings } = await doctorJson([n.conf])
  assert.equal(run.status, 0)
  assert.deepEqual(findings, [])
})

/** Delegations off: only expiration + window count. */
const NO_DELEGATIONS = ['[delegation]', 'enabled = false']

test('hourly rotation with max_active_keys 3 cannot cover expiration 1 h + window 2 h', async () => {
  const n = node(NO_DELEGATIONS, { expiration: 3600, window: 7200 })
  await keys(['setup'], n.conf, T0)
  await keys(['rotate'], n.conf, T0 + HOUR)
  await keys(['rotate', '--force'], n.conf, T0 + 2 * HOUR)
  const { run, findings } = await doctorJson([n.conf], { now: T0 + 2 * HOUR + 60_000 })
  assert.equal(run.status, 1)
  assert.equal(findings.length, 1, JSON.stringify(findings, null, 2))
  const [f] = findings
  assert.deepEqual(
    [f?.severity, f?.file, f?.section, f?.option],
    ['error', n.conf, 'fernet_tokens', 'max_active_keys'],
  )
  assert.match(f?.problem ?? '', /rotated every 1h .* needs max_active_keys >= 5 .*with 3,/)
  assert.match(
    f?.fix ?? '',
    /max_active_keys = 5 on every identity node, or rotate no more often than every 3h/,
  )

  // The same history is fine once the window fits: 1 h + 0 s at hourly rotation needs 3.
  const short = node(NO_DELEGATIONS, { expiration: 3600, window: 0 })
  writeFileSync(short.conf, readFileSync(short.conf, 'utf8').replace(short.keys, n.keys))
  assert.deepEqual((await doctorJson([short.conf], { now: T0 + 3 * HOUR })).findings, [])
})

test('with delegations on, keys must outlive [delegation] max_lifetime even with window 0', async () => {
  const n = node(['[delegation]', 'max_lifetime = 10800'], { expiration: 3600, window: 0 })
  await keys(['setup'], n.conf, T0)
  await keys(['rotate'], n.conf, T0 + HOUR)
  await keys(['rotate', '--force'], n.conf, T0 + 2 * HOUR)
  const { findings } = await doctorJson([n.conf], { now: T0 + 2 * HOUR + 60_000 })
  const keyFindings = findings.filter((f) => f.option === 'max_active_keys')
  assert.equal(keyFindings.length, 1, JSON.stringify(findings, null, 2))
  assert.match(
    keyFindings[0]?.problem ?? '',
    /\[delegation\] max_lifetime 10800 s, longer than expiration 3600 s \+ allow_expired_window 0 s = 3h, which needs max_active_keys >= 5/,
  )
  // The guard in `baton keys rotate` refuses the same purge
  const run = await runBaton(['keys', 'rotate', '--config-file', n.conf], {
    now: () => T0 + 3 * HOUR,
  })
  assert.notEqual(run.status, 0)
  assert.match(run.stderr, /\[delegation\] max_lifetime 10800 s/)
})

test('max_active_keys below 3 is an error whatever the period', async () => {
  const n = node(['max_active_keys = 2'])
  await keys(['setup'], n.conf, T0)
  const { findings } = await doctorJson([n.conf])
  assert.deepEqual(
    findings.map((f) => [f.severity, f.option]),
    [['error', 'max_active_keys']],
  )
  assert.match(findings[0]?.problem ?? '', /leaves no secondary key/)
})

test('missing, open and empty repositories are errors on [fernet_tokens] key_repository', async () => {
  const missing = node()
  const open = node()
  await keys(['setup'], open.conf, T0)
  chmodSync(open.keys, 0o755)
  const empty = node()
  await keys(['setup'], empty.conf, T0)
  for (const name of readdirSync(empty.keys)) writeFileSync(join(empty.keys, name), '')
  const { run, findings } = await doctorJson([missing.conf, open.conf, empty.conf])
  assert.equal(run.status, 1)
  const errors = errorsOf(findings)
  assert.deepEqual(
    errors.map((f) => [f.file, f.section, f.option]),
    [
      [missing.conf, 'fernet_tokens', 'key_repository'],
      [open.conf, 'fernet_tokens', 'key_repository'],
      [empty.conf, 'fernet_tokens', 'key_repository'],
    ],
  )
  assert.match(errors[0]?.problem ?? '', /does not exist/)
  assert.match(errors[1]?.problem ?? '', /mode 755/)
  assert.match(errors[1]?.fix ?? '', /chmod 700/)
  assert.match(errors[2]?.problem ?? '', /holds no keys/)
})

test('a receipt repository of its own: missing is an error naming keys setup --receipts; set up, none', async () => {
  const n = node()
  const receipts = join(n.dir, 'receipt-keys')
  writeFileSync(
    n.conf,
    `${readFileSync(n.conf, 'utf8')}[fernet_receipts]\nkey_repository = ${receipts}\n`,
  )
  await keys(['setup'], n.conf, T0)
  // `keys setup` made both; remove the receipt keys to see the doctor notice
  for (const name of readdirSync(receipts)) writeFileSync(join(receipts, name), '')
  const empty = errorsOf((await doctorJson([n.conf], { now: T0 })).findings)
  assert.deepEqual(
    empty.map((f) => [f.section, f.option]),
    [['fernet_receipts', 'key_repository']],
  )
  assert.match(empty[0]?.problem ?? '', /holds no keys: identity does not start without/)
  assert.match(empty[0]?.fix ?? '', /baton keys setup --receipts --config-file/)
  const fresh = node()
  writeFileSync(
    fresh.conf,
    `${readFileSync(fresh.conf, 'utf8')}[fernet_receipts]\nkey_repository = ${join(fresh.dir, 'r')}\n`,
  )
  await keys(['setup'], fresh.conf, T0)
  const ok = errorsOf((await doctorJson([fresh.conf], { now: T0 })).findings)
  assert.deepEqual(ok, [])
})

test('two identity nodes with different keys: an error; identical copies: none', async () => {
  const a = node()
  const b = node()
  await keys(['setup'], a.conf, T0)
  await keys(['setup'], b.conf, T0)
  const { run, findings } = await doctorJson([a.conf, b.conf])
  assert.equal(run.status, 1)
  const [f, ...rest] = errorsOf(findings)
  assert.equal(rest.length, 0, JSON.stringify(findings, null, 2))
  assert.deepEqual([f?.file, f?.section, f?.option], [b.conf, 'fernet_tokens', 'key_repository'])
  assert.match(
    f?.problem ?? '',
    /differ from those of .*fingerprints only here: [0-9a-f]{16}, [0-9a-f]{16}; only there: /,
  )
  assert.match(f?.fix ?? '', /rsync -a --delete/)
  for (const name of readdirSync(a.keys)) {
    writeFileSync(join(b.keys, name), readFileSync(join(a.keys, name)), { mode: 0o600 })
  }
  const synced = await doctorJson([a.conf, b.conf])
  assert.deepEqual(errorsOf(synced.findings), [])
  // several SQLite nodes: Keystone's symptom, a warning
  assert.deepEqual(
    synced.findings.map((x) => [x.severity, x.section, x.option]),
    [
      ['warning', 'database', 'connection'],
      ['warning', 'database', 'connection'],
    ],
  )
})

test('GET /v3/OS-BATON/fernet-keys: fingerprints and roles for an admin, 403 otherwise, no key material', async () => {
  const admin = await identity.admin('GET', '/OS-BATON/fernet-keys')
  const listed = admin.keys as { fingerprint: string; role: string }[]
  assert.deepEqual(
    listed.map((k) => k.role),
    ['primary', 'staged'],
  )
  for (const k of listed) {
    assert.match(k.fingerprint, /^[0-9a-f]{16}$/)
    assert.deepEqual(Object.keys(k).sort(), ['fingerprint', 'role'])
  }
  const member = await fetch(`${identity.url}/v3/OS-BATON/fernet-keys`, {
    headers: { 'X-Auth-Token': await identity.token(identity.users.alice) },
  })
  assert.equal(member.status, 403)
  assert.match(await member.text(), /baton:list_fernet_keys/)
  const anonymous = await fetch(`${identity.url}/v3/OS-BATON/fernet-keys`)
  assert.equal(anonymous.status, 401)
})

test('a node whose repository is elsewhere is asked over HTTP as the admin', async () => {
  const local = node()
  await keys(['setup'], local.conf, T0)
  const remote = node([`[DEFAULT]`, `public_endpoint = ${identity.url}`])
  const { run, findings } = await doctorJson([local.conf, remote.conf], { env: ADMIN_ENV })
  assert.equal(run.status, 1)
  const errors = errorsOf(findings)
  assert.deepEqual(
    errors.map((f) => [f.file, f.option]),
    [[remote.conf, 'key_repository']],
  )
  const served = (await identity.admin('GET', '/OS-BATON/fernet-keys')).keys as {
    fingerprint: string
  }[]
  for (const { fingerprint } of served) assert.ok(errors[0]?.problem.includes(fingerprint))
  assert.ok(
    findings.some(
      (f) => f.severity === 'warning' && /asked of http:\/\/127\.0\.0\.1/.test(f.problem),
    ),
  )

  // Without admin credentials the missing repository is an error that says how to ask the node.
  const alone = await doctorJson([remote.conf])
  assert.deepEqual(
    errorsOf(alone.findings).map((f) => f.option),
    ['key_repository'],
  )
  assert.match(errorsOf(alone.findings)[0]?.fix ?? '', /OS_USERNAME/)

  // With a wrong admin password, the comparison is skipped with a warning.
  const refused = await doctorJson([remote.conf], {
    env: { ...ADMIN_ENV, OS_PASSWORD: 'wrong' },
    extra: ['--identity-url', identity.url],
  })
  assert.equal(refused.run.status, 0)
  assert.match(refused.findings[0]?.problem ?? '', /failed .*401/)
})

test('text output: one block per finding with problem and fix, then the summary', async () => {
  const a = node(['max_active_keys = 2', '[DEFAULT]', 'debug = true'])
  await keys(['setup'], a.conf, T0)
  const run = await runBaton(['doctor', '--config-file', a.conf], { now: () => T0 })
  assert.equal(run.status, 1)
  const lines = run.stdout.split('\n')
  assert.equal(lines[0], `${a.conf}: identity node`)
  const at = lines.indexOf(`ERROR: ${a.conf} [fernet_tokens] max_active_keys`)
  assert.ok(at > 0, run.stdout)
  assert.match(lines[at + 1] ?? '', /^ {2}problem: 2 leaves no secondary key/)
  assert.match(lines[at + 2] ?? '', /^ {2}fix: set \[fernet_tokens\] max_active_keys/)
  assert.ok(lines.includes(`WARNING: ${a.conf} [DEFAULT] debug`))
  assert.equal(lines.at(-1), '1 error, 1 warning in 1 config file.')
  assert.equal(run.stderr, 'baton: doctor found 1 error')
})
