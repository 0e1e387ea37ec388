/**
 * A kolla-ansible keystone.conf loads quietly (no warning, one summary line for the options
 * OpenStack declares that Baton does not use; a typo still warns), and `baton config check` lists
 * what Baton makes of a config: used, known-but-unused, unknown with a did-you-mean, invalid;
 * exit 1 on unknown or invalid.
 * @module
 */
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { loadIdentityConfig } from '../../../packages/cli/src/config_files.ts'
import type { CliIo } from '../../../packages/cli/src/io.ts'
import { runBaton } from '../cli_harness.ts'

const FIXTURES = new URL('../../config/fixtures/kolla/', import.meta.url).pathname
const KEYSTONE_CONF = join(FIXTURES, 'keystone.conf')
const NOVA_CONF = join(FIXTURES, 'nova.conf')

function withTypo(lines: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'baton-check-'))
  const path = join(dir, 'keystone.conf')
  writeFileSync(path, `${readFileSync(KEYSTONE_CONF, 'utf8')}${lines}`)
  return path
}

function captureIo(debug = false): { io: CliIo; err: string[] } {
  const err: string[] = []
  return { io: { out: () => {}, err: (l) => err.push(l), env: {}, now: Date.now, debug }, err }
}

describe('a kolla-ansible keystone.conf', () => {
  test('loads with one summary line and no warning', () => {
    const { io, err } = captureIo()
    const config = loadIdentityConfig([KEYSTONE_CONF], io)
    assert.equal(err.length, 1, err.join('\n'))
    assert.match(
      err[0] as string,
      /^baton: \d+ options set in the config files are OpenStack's but not used by Baton \((?=[^)]*Keystone \d+)(?=[^)]*oslo\.messaging \d+)[^)]*\); `baton config check` lists them$/,
    )
    assert.ok(config.unused.some((e) => e.section === 'cache' && e.name === 'backend'))
    assert.ok(
      config.unused.some((e) => e.name === 'transport_url' && e.origin === 'oslo.messaging'),
    )
  })

  test('BATON_DEBUG lists each of them', () => {
    const { io, err } = captureIo(true)
    const config = loadIdentityConfig([KEYSTONE_CONF], io)
    assert.equal(err.length, 1 + config.unused.length)
    assert.ok(err.some((l) => /keystone\.conf:\d+: \[cache\] backend \(oslo\.cache\)$/.test(l)))
  })

  test('a typo among them still warns, by name', () => {
    const path = withTypo('[token]\nexpiraton = 60\n')
    const { io, err } = captureIo()
    loadIdentityConfig([path], io)
    assert.deepEqual(
      err.filter((l) => l.includes('warning')),
      [
        `baton: warning: ${path}:${readFileSync(path, 'utf8').split('\n').length - 1}: [token] expiraton: unknown option, ignored (did you mean expiration?)`,
      ],
    )
  })
})

describe('baton config check', () => {
  test('lists used, known-but-unused and unknown options; exit 0 when nothing is wrong', async () => {
    const run = await runBaton(['config', 'check', '--config-file', KEYSTONE_CONF])
    assert.equal(run.status, 0, run.stderr)
    assert.match(run.stdout, /^used \(\d+\):$/m)
    assert.match(run.stdout, /^ {2}\[token\] expiration = 86400 {2}.*keystone\.conf:\d+$/m)
    assert.match(run.stdout, /^ {2}\[database\] connection = \*\*\*\* {2}/m, 'secrets masked')
    assert.doesNotMatch(run.stdout, /dbpass/)
    assert.match(run.stdout, /^known to OpenStack, not used by Baton \(\d+\):$/m)
    assert.match(run.stdout, /^ {2}\[cache\] backend {2}\(oslo\.cache\) {2}.*keystone\.conf:\d+$/m)
    assert.match(run.stdout, /^unknown \(0\):$/m)
    assert.match(run.stdout, /^invalid \(0\):$/m)
  })

  test('an unknown option or an invalid value: listed, exit 1', async () => {
    const path = withTypo('[token]\nexpiraton = 60\n[identity]\nmax_password_length = lots\n')
    const run = await runBaton(['config', 'check', '--config-file', path])
    assert.equal(run.status, 1)
    assert.match(
      run.stdout,
      /^unknown \(1\):\n {2}\[token\] expiraton {2}.*:\d+ \(did you mean expiration\?\)$/m,
    )
    assert.match(run.stdout, /^invalid \(1\):\n {2}.*\[identity\] max_password_length.*lots/m)
    assert.match(run.stderr, /config check: 1 unknown option, 1 invalid value/)
  })

  test('layers files and reads a service config with --service', async () => {
    const run = await runBaton([
      'config',
      'check',
      '--service',
      'compute',
      '--config-file',
      NOVA_CONF,
      '--format',
      'json',
    ])
    assert.equal(run.status, 0, run.stdout)
    const result = JSON.parse(run.stdout) as {
      entries: { kind: string; section: string; name: string; origin?: string }[]
    }
    const find = (section: string, name: string) =>
      result.entries.find((e) => e.section === section && e.name === name)
    assert.equal(find('keystone_authtoken', 'service_token_roles_required')?.kind, 'used')
    assert.equal(find('libvirt', 'virt_type')?.origin, 'nova')
    assert.equal(find('DEFAULT', 'transport_url')?.origin, 'oslo.messaging')
  })

  test('needs a config file', async () => {
    const run = await runBaton(['config', 'check'])
    assert.equal(run.status, 2)
  })
})
