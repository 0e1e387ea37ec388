/**
 * `baton up`'s config files: what it writes it may rewrite (its checksum line still holds), so ports
 * follow the run; a file the user edited (or one without baton's checksum) is kept, its port is
 * the service's port, and the options where it differs are listed by name only (values may be
 * passwords). A file that does not parse is refused naming the file and the fix.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { CliErrorCode } from '../../../packages/cli/src/errors.ts'
import {
  inspectConfigs,
  keptServicePorts,
  writeCloudConfigs,
} from '../../../packages/cli/src/local_cloud/config_files.ts'
import type { CloudPlan } from '../../../packages/cli/src/local_cloud/plan.ts'

const SECRETS = { admin: 'adm', users: { nova: 'nova-pw', cinder: 'c', glance: 'g', swift: 's' } }

function plan(dataDir: string, base: number): CloudPlan {
  return {
    dataDir,
    host: '127.0.0.1',
    ports: {
      identity: base,
      compute: base + 1,
      volume: base + 2,
      image: base + 3,
      object: base + 4,
    },
    tokenExpiration: 3600,
    allowExpiredWindow: 172800,
    maxActiveKeys: 5,
    copyBytesPerSecond: 0,
    copyChunkBytes: 0,
    sendServiceUserToken: true,
    delegate: true,
  }
}

function actions(outcomes: ReturnType<typeof writeCloudConfigs>): string[] {
  return outcomes.map((o) => `${o.program} ${o.action}`)
}

test('unedited configs follow the plan; an edited one is kept and its differences named', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'baton-up-conf-'))
  const first = writeCloudConfigs(plan(dataDir, 41000), SECRETS)
  assert.deepEqual(actions(first), [
    'identity created',
    'compute created',
    'volume created',
    'image created',
    'object created',
  ])
  assert.ok(Object.values(inspectConfigs(dataDir)).every((s) => s.kind === 'ours'))
  assert.deepEqual(
    actions(writeCloudConfigs(plan(dataDir, 41000), SECRETS)),
    ['identity', 'compute', 'volume', 'image', 'object'].map((p) => `${p} unchanged`),
  )

  const compute = join(dataDir, 'compute.conf')
  const edited = `${readFileSync(compute, 'utf8')
    .replace('port = 41001', 'port = 42001')
    .replaceAll('password = nova-pw', 'password = my-own-nova-pw')}[DEFAULT]\ndebug = true\n`
  writeFileSync(compute, edited)
  const states = inspectConfigs(dataDir)
  assert.equal(states.compute.kind, 'yours')
  assert.deepEqual(keptServicePorts(states), { compute: 42001 })

  const second = writeCloudConfigs(plan(dataDir, 43000), SECRETS, states)
  assert.deepEqual(actions(second), [
    'identity updated',
    'compute kept',
    'volume updated',
    'image updated',
    'object updated',
  ])
  assert.equal(readFileSync(compute, 'utf8'), edited, 'the edited file is untouched')
  const differs = second.find((o) => o.program === 'compute')?.differs ?? []
  assert.deepEqual(differs, [
    '[DEFAULT] port',
    '[keystone_authtoken] www_authenticate_uri',
    '[keystone_authtoken] auth_url',
    '[keystone_authtoken] password',
    '[service_user] auth_url',
    '[service_user] password',
    '[DEFAULT] debug (only in yours)',
  ])
  assert.ok(!differs.join(' ').includes('pw'), 'no password value is named')
  assert.match(readFileSync(join(dataDir, 'volume.conf'), 'utf8'), /port = 43002/)
})

test('a config without baton’s checksum line is the user’s, even when it looks like baton’s', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'baton-up-conf-'))
  writeCloudConfigs(plan(dataDir, 41000), SECRETS)
  const identity = join(dataDir, 'identity.conf')
  // what an older baton up wrote: its own header, no checksum
  const legacy = readFileSync(identity, 'utf8').replace(/^.*\n/, '# Written by baton: identity.\n')
  writeFileSync(identity, legacy)
  const outcome = writeCloudConfigs(plan(dataDir, 41000), SECRETS)[0]
  assert.equal(outcome?.action, 'kept')
  assert.deepEqual(outcome?.differs, [])
  assert.equal(readFileSync(identity, 'utf8'), legacy)
})

test('a config that does not parse is refused naming the file and the fix', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'baton-up-conf-'))
  writeFileSync(join(dataDir, 'image.conf'), 'port = 9292\n')
  assert.throws(
    () => inspectConfigs(dataDir),
    (error: Error & { code?: string }) =>
      error.code === CliErrorCode.ConfigUnreadable &&
      error.message.includes(join(dataDir, 'image.conf')) &&
      error.message.includes('or delete it to have baton up write it again'),
  )
})

test('delegation: each service names its catalog type, every sender delegates, identity knows who serves what', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'baton-up-conf-'))
  writeCloudConfigs(plan(dataDir, 41100), SECRETS)
  const read = (program: string) => readFileSync(join(dataDir, `${program}.conf`), 'utf8')
  for (const [program, type] of [
    ['compute', 'compute'],
    ['volume', 'volumev3'],
    ['image', 'image'],
    ['object', 'object-store'],
  ] as const) {
    assert.match(read(program), new RegExp(`^service_type = ${type}$`, 'm'))
  }
  for (const sender of ['compute', 'volume', 'image']) {
    assert.match(read(sender), /^send_service_user_token = true\ndelegate = true$/m)
  }
  assert.doesNotMatch(read('object'), /delegate/)
  assert.match(
    read('identity'),
    /^service_types = nova:compute,cinder:volumev3,glance:image,swift:object-store$/m,
  )
})
