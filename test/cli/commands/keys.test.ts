import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
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
    // delegations off: expiration + window alone sets how long keys are needed
    '[delegation]',
    'enabled = false',
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

function receiptsConfig(lines: readonly string[] = []) {
  const scratch = scratchConfig(['max_active_keys = 3'])
  const receipts = `${scratch.dir}/receipt-keys`
  writeFileSync(
    scratch.conf,
    [
      '[fernet_tokens]',
      `key_repository = ${scratch.keys}`,
      'max_active_keys = 3',
      '[fernet_receipts]',
      `key_repository = ${receipts}`,
      ...lines,
      '',
    ].join('\n'),
  )
  return { ...scratch, receipts }
}

test('keys setup and rotate also set up and rotate a receipt repository of its own, as keystone-manage fernet_setup/fernet_rotate', async () => {
  const { conf, keys, receipts } = receiptsConfig(['max_active_keys = 3'])
  const clock = () => Date.UTC(2030, 0, 1)
  const setup = await runBaton(['keys', 'setup', '--config-file', conf], { now: clock })
  assert.equal(setup.status, 0, setup.stderr)
  assert.match(setup.stdout, /Created the key repository/)
  assert.match(setup.stdout, /Created the receipt key repository/)
  assert.deepEqual(keyFiles(keys), ['0', '1'])
  assert.deepEqual(keyFiles(receipts), ['0', '1'])
  assert.equal(statSync(receipts).mode & 0o777, 0o700)
  // distinct keys: a receipt repository is not a copy of the token keys
  assert.notEqual(readFileSync(`${receipts}/1`, 'utf8'), readFileSync(`${keys}/1`, 'utf8'))

  const later = () => Date.UTC(2030, 0, 2)
  const rotated = await runBaton(['keys', 'rotate', '--config-file', conf], { now: later })
  assert.equal(rotated.status, 0, rotated.stderr)
  assert.match(rotated.stdout, /^Promoted key \d/m)
  assert.match(rotated.stdout, /^Receipt keys: promoted key \d/m)
  assert.deepEqual(keyFiles(keys), ['0', '1', '2'])
  assert.deepEqual(keyFiles(receipts), ['0', '1', '2'])
})

test('keys --receipts works on the receipt repository alone, its guard reading [receipt] expiration', async () => {
  const { conf, keys, receipts } = receiptsConfig([
    'max_active_keys = 3',
    '[receipt]',
    'expiration = 600',
  ])
  let now = Date.UTC(2030, 0, 1)
  const clock = () => now
  const setup = await runBaton(['keys', 'setup', '--receipts', '--config-file', conf], {
    now: clock,
  })
  assert.equal(setup.status, 0, setup.stderr)
  assert.match(setup.stdout, /Created the receipt key repository/)
  assert.deepEqual(keyFiles(receipts), ['0', '1'])
  assert.throws(() => readdirSync(keys), 'the token repository is not touched')

  now += 60_000
  assert.equal(
    (await runBaton(['keys', 'rotate', '--receipts', '--config-file', conf], { now: clock }))
      .status,
    0,
  )
  // max 3 keys: the next rotation purges key 1, retired a minute ago; receipts live 600 s
  now += 60_000
  const refused = await runBaton(['keys', 'rotate', '--receipts', '--config-file', conf], {
    now: clock,
  })
  assert.equal(refused.status, 1)
  assert.match(refused.stderr, /^baton: refusing to rotate/)
  assert.match(refused.stderr, /needed until 2030-01-01T00:11:00/)
  assert.deepEqual(keyFiles(receipts), ['0', '1', '2'], 'the refused rotation changed nothing')
  now = Date.UTC(2030, 0, 1) + 11 * 60_000 + 1000
  const allowed = await runBaton(['keys', 'rotate', '--receipts', '--config-file', conf], {
    now: clock,
  })
  assert.equal(allowed.status, 0, allowed.stderr)
  assert.match(allowed.stdout, /^Receipt keys: promoted key/m)

  const status = await runBaton(['keys', 'status', '--receipts', '--config-file', conf, '--json'], {
    now: clock,
  })
  assert.equal(status.status, 0, status.stderr)
  const parsed = JSON.parse(status.stdout) as { keys: { number: number }[] }
  assert.deepEqual(
    parsed.keys.map((k) => k.number).sort((a, b) => a - b),
    keyFiles(receipts).map(Number),
  )
})

test('keys --receipts without a receipt repository of its own is refused, naming the option', async () => {
  const { conf, keys } = scratchConfig(['max_active_keys = 3'])
  for (const verb of ['setup', 'rotate', 'status']) {
    const refused = await runBaton(['keys', verb, '--receipts', '--config-file', conf])
    assert.equal(refused.status, 1, verb)
    assert.match(
      refused.stderr,
      /auth receipts use the token keys: \[fernet_receipts\] key_repository/,
    )
    assert.doesNotMatch(refused.stderr, /\n\s+at /, 'no stack trace')
  }
  assert.throws(() => readdirSync(keys), 'nothing was created')
  // the same directory as the token keys counts as unset (Keystone ignores its max_active_keys)
  writeFileSync(
    conf,
    [
      '[fernet_tokens]',
      `key_repository = ${keys}`,
      '[fernet_receipts]',
      `key_repository = ${keys}/`,
      '',
    ].join('\n'),
  )
  const same = await runBaton(['keys', 'setup', '--receipts', '--config-file', conf])
  assert.equal(same.status, 1)
  const plain = await runBaton(['keys', 'setup', '--config-file', conf])
  assert.equal(plain.status, 0, plain.stderr)
  assert.doesNotMatch(plain.stdout, /receipt/)
})
