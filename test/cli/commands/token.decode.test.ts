import assert from 'node:assert/strict'
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { runBaton, scratchConfig } from '../cli_harness.ts'

type KeystoneCase = {
  name: string
  version: number
  token: string
  config: { methods: string[]; default_domain_id: string }
  keystone: { ok?: Record<string, unknown>; error?: string }
}

const fixtureDir = new URL('../../identity/fixtures/', import.meta.url).pathname
const fixtures = JSON.parse(readFileSync(join(fixtureDir, 'keystone_tokens.json'), 'utf8')) as {
  cases: KeystoneCase[]
}

/** Git keeps no directory modes, so copy Keystone's key repository into a private (0700) one. */
function keystoneKeyRepository(): string {
  const { dir } = scratchConfig([])
  const keys = join(dir, 'keystone-keys')
  mkdirSync(keys, { mode: 0o700 })
  for (const name of ['0', '1', '2'])
    copyFileSync(join(fixtureDir, 'keystone-keys', name), join(keys, name))
  return keys
}

const FIELDS = [
  'user_id',
  'methods',
  'project_id',
  'domain_id',
  'system',
  'trust_id',
  'app_cred_id',
]

test('baton token decode prints what Keystone decoded, for every token Keystone issued', async () => {
  const keys = keystoneKeyRepository()
  const cases = fixtures.cases.filter((c) => c.keystone.ok !== undefined)
  assert.ok(cases.length >= 30)
  for (const c of cases) {
    const { conf } = scratchConfig([
      '[auth]',
      `methods = ${c.config.methods.join(',')}`,
      '[identity]',
      `default_domain_id = ${c.config.default_domain_id}`,
    ])
    const run = await runBaton([
      'token',
      'decode',
      '--key-repository',
      keys,
      '--config-file',
      conf,
      c.token,
    ])
    assert.equal(run.status, 0, `${c.name}: ${run.stderr}`)
    const decoded = JSON.parse(run.stdout) as Record<string, unknown>
    const expected = c.keystone.ok ?? {}
    assert.deepEqual(Object.keys(decoded), [
      'version',
      ...FIELDS,
      'expires_at',
      'issued_at',
      'audit_ids',
    ])
    assert.equal(decoded.version, c.version, c.name)
    for (const field of [...FIELDS, 'expires_at', 'issued_at', 'audit_ids']) {
      assert.deepEqual(decoded[field], expected[field] ?? null, `${c.name}: ${field}`)
    }
  }
})

test('a token no key opens exits non-zero with one line and no token in it', async () => {
  const keys = keystoneKeyRepository()
  const first = fixtures.cases[0]
  assert.ok(first)
  const flipped = `${first.token.slice(0, 60)}${first.token[60] === 'A' ? 'B' : 'A'}${first.token.slice(61)}`
  for (const bad of [
    flipped,
    'not-a-token',
    first.token.slice(0, 40),
    `${first.token}===`,
    `${first.token}A`,
  ]) {
    const run = await runBaton(['token', 'decode', '--key-repository', keys, bad])
    assert.equal(run.status, 1, bad)
    assert.equal(run.stdout, '')
    assert.match(run.stderr, /^baton: Could not recognize Fernet token$/)
  }
})

test('decode against a world-readable or missing key repository says how to fix it', async () => {
  const { dir } = scratchConfig([])
  const open = join(dir, 'open-keys')
  mkdirSync(open, { mode: 0o755 })
  writeFileSync(join(open, '0'), readFileSync(join(fixtureDir, 'keystone-keys', '0')))
  const first = fixtures.cases[0]
  assert.ok(first)
  const run = await runBaton(['token', 'decode', '--key-repository', open, first.token])
  assert.equal(run.status, 1)
  assert.match(run.stderr, /^baton: .*chmod 700/)
  const missing = await runBaton([
    'token',
    'decode',
    '--key-repository',
    join(dir, 'nope'),
    first.token,
  ])
  assert.equal(missing.status, 1)
  assert.match(missing.stderr, /^baton: .*nope/)
})
