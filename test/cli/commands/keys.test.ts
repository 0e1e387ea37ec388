import assert from 'node:assert/strict'
import { readdirSync, statSync } from 'node:fs'
import { test } from 'node:test'
import { runBaton, scratchConfig } from '../cli_harness.ts'

const HOUR = 3600_000

function keyFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => /^\d+$/.test(name))
    .sort((a, b) => Number(a) - Number(b))
}

test('keys setup creates keys 0 and 1 with private modes and never overwrites key 0', async () => {
  const { conf, keys } = scratchConfig(['max_active_keys = 3'])
  const first = await runBaton(['keys', 'setup', '--config-file', conf])
  assert.equal(first.status, 0, first.stderr)
  assert.deepEqual(keyFiles(keys), ['0', '1'])
  assert.equal(statSync(keys).mode & 0o777, 0o700)
  assert.equal(statSync(`${keys}/0`).mode & 0o777, 0o600)
  const second = await runBaton(['keys', 'setup', '--config-file', conf])
  assert.equal(second.status, 0)
  assert.match(second.stdout, /already exists; nothing was overwritten/)
  assert.deepEqual(keyFiles(keys), ['0', '1'])
})

test('keys rotate refuses to purge a key a token may still need, naming the key and the safe time', async () => {
  const { conf, keys } = scratchConfig([
    'max_active_keys = 3',
    '[token]',
    'expiration = 3600',
    'allow_expired_window = 7200',
  ])
  let now = Date.UTC(2030, 0, 1)
  const clock = () => now
  assert.equal((await runBaton(['keys', 'setup', '--config-file', conf], { now: clock })).status, 0)
  now += HOUR
  assert.equal(
    (await runBaton(['keys', 'rotate', '--config-file', conf], { now: clock })).status,
    0,
  )
  assert.deepEqual(keyFiles(keys), ['0', '1', '2'])

  now += HOUR
  const refused = await runBaton(['keys', 'rotate', '--config-file', conf], { now: clock })
  assert.equal(refused.status, 1)
  assert.match(refused.stderr, /^baton: refusing to rotate/)
  assert.match(refused.stderr, /purge key 1 .* needed until 2030-01-01T04:00:00/)
  assert.match(refused.stderr, /earliest safe rotation: 2030-01-01T04:00:00/)
  assert.doesNotMatch(refused.stderr, /\n\s+at /, 'no stack trace')
  assert.deepEqual(keyFiles(keys), ['0', '1', '2'], 'the repository is unchanged')

  // Key 1 retired at setup + 1 h; it is needed for expiration + window = 3 h after that.
  now = Date.UTC(2030, 0, 1) + 4 * HOUR + 1000
  const allowed = await runBaton(['keys', 'rotate', '--config-file', conf], { now: clock })
  assert.equal(allowed.status, 0, allowed.stderr)
  assert.match(allowed.stdout, /Purged key 1\b/)
  assert.deepEqual(keyFiles(keys), ['0', '2', '3'])
})

test('keys rotate --force rotates anyway and warns what breaks', async () => {
  const { conf, keys } = scratchConfig(['max_active_keys = 2'])
  const clock = () => Date.UTC(2030, 0, 1)
  assert.equal((await runBaton(['keys', 'setup', '--config-file', conf], { now: clock })).status, 0)
  const refused = await runBaton(['keys', 'rotate', '--config-file', conf], { now: clock })
  assert.equal(refused.status, 1)
  const forced = await runBaton(['keys', 'rotate', '--config-file', conf, '--force'], {
    now: clock,
  })
  assert.equal(forced.status, 0, forced.stderr)
  assert.match(forced.stderr, /warning: purged key 1 .* still be valid until 2030-01-03T01:00:00Z/)
  assert.deepEqual(keyFiles(keys), ['0', '2'])
})

test('keys status shows roles, fingerprints and the next safe rotation, never key material', async () => {
  const { conf, keys } = scratchConfig(['max_active_keys = 3'])
  const clock = () => Date.UTC(2030, 0, 1)
  await runBaton(['keys', 'setup', '--config-file', conf], { now: clock })
  const status = await runBaton(['keys', 'status', '--config-file', conf], { now: clock })
  assert.equal(status.status, 0, status.stderr)
  assert.match(status.stdout, /^1\s+primary\s+[0-9a-f]{16}/m)
  assert.match(status.stdout, /^0\s+staged\s+[0-9a-f]{16}/m)
  assert.match(status.stdout, /Next safe rotation: now/)
  const json = await runBaton(['keys', 'status', '--config-file', conf, '--json'], { now: clock })
  const parsed = JSON.parse(json.stdout) as { keys: { number: number; role: string }[] }
  assert.deepEqual(
    parsed.keys.map((k) => [k.number, k.role]),
    [
      [1, 'primary'],
      [0, 'staged'],
    ],
  )
  const { readFileSync } = await import('node:fs')
  const secret = readFileSync(`${keys}/0`, 'utf8').trim()
  assert.ok(!status.stdout.includes(secret) && !json.stdout.includes(secret))
})

test('environment overrides and unknown options: OS_TOKEN__EXPIRATION applies, unknown options warn once', async () => {
  const { conf } = scratchConfig([
    'max_active_keys = 3',
    '[cache]',
    'enabled = true',
    'not_an_option = 1',
  ])
  const run = await runBaton(['keys', 'setup', '--config-file', conf], {
    env: { OS_FERNET_TOKENS__MAX_ACTIVE_KEYS: '0' },
  })
  assert.equal(run.status, 1)
  assert.match(run.stderr, /max_active_keys/)
  const ok = await runBaton(['keys', 'setup', '--config-file', conf])
  assert.equal(ok.status, 0)
  assert.equal(ok.stderr.match(/\[cache\] not_an_option: unknown option/g)?.length, 1)
  // oslo.cache's own option is counted in the one summary line, not named
  assert.doesNotMatch(ok.stderr, /\[cache\] enabled/)
  assert.equal(ok.stderr.match(/1 option set in the config files is OpenStack's/g)?.length, 1)
})

test('a missing repository or config file is one clear line, exit 1', async () => {
  const { conf } = scratchConfig([])
  const status = await runBaton(['keys', 'status', '--config-file', conf])
  assert.equal(status.status, 1)
  assert.match(status.stderr, /^baton: .*fernet-keys/)
  const missing = await runBaton(['keys', 'status', '--config-file', '/nonexistent/keystone.conf'])
  assert.equal(missing.status, 1)
  assert.match(missing.stderr, /^baton: .*\/nonexistent\/keystone\.conf/)
})
