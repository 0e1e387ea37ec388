import assert from 'node:assert/strict'
import { appendFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { loadConfig } from '@baton/config'
import { identityOptionGroups, openCurrentStore } from '@baton/identity'
import { runBaton, scratchConfig } from '../cli_harness.ts'

function databaseConfig() {
  const scratch = scratchConfig([])
  appendFileSync(
    scratch.conf,
    `[database]\nconnection = sqlite:///${join(scratch.dir, 'identity.db')}\n`,
  )
  return scratch
}

async function openStore(conf: string) {
  const config = loadConfig({ files: [conf], groups: identityOptionGroups })
  return openCurrentStore(config)
}

const URLS = [
  '--bootstrap-public-url',
  'http://127.0.0.1:5000/v3/',
  '--bootstrap-internal-url',
  'http://127.0.0.1:5000/v3/',
  '--bootstrap-region-id',
  'RegionOne',
]

test('bootstrap refuses a database that was never synced, with the command to run', async () => {
  const { conf } = databaseConfig()
  const run = await runBaton(['bootstrap', '--config-file', conf, '--bootstrap-password', 'pw'])
  assert.equal(run.status, 1)
  assert.match(run.stderr, /^baton: .*schema is behind .*run `baton db sync/)
})

test('db sync then bootstrap seeds what keystone-manage bootstrap seeds, idempotently', async () => {
  const { conf } = databaseConfig()
  const sync = await runBaton(['db', 'sync', '--config-file', conf])
  assert.equal(sync.status, 0, sync.stderr)
  assert.match(sync.stdout, /^Applied \d+ migrations/)
  assert.equal(
    (await runBaton(['db', 'sync', '--config-file', conf])).stdout,
    'The database schema is current.',
  )

  const first = await runBaton([
    'bootstrap',
    '--config-file',
    conf,
    '--bootstrap-password',
    's3cret',
    ...URLS,
  ])
  assert.equal(first.status, 0, first.stderr)
  assert.match(first.stdout, /Created user admin/)
  assert.doesNotMatch(first.stdout + first.stderr, /s3cret/)

  const { store, database } = await openStore(conf)
  try {
    const domain = await store.resource.getDomain('default')
    assert.equal(domain.name, 'Default')
    const user = await store.identity.findUserByName('admin', 'default')
    assert.ok(user?.enabled)
    const roles = Object.fromEntries(
      (await store.assignment.listRoles({ domainId: null })).map((r) => [r.name, r]),
    )
    assert.deepEqual(Object.keys(roles).sort(), ['admin', 'manager', 'member', 'reader', 'service'])
    assert.equal(roles.admin?.options.immutable, true)
    const nameOf = (id: string) => Object.values(roles).find((r) => r.id === id)?.name
    const implications = (await store.assignment.listImpliedRoles()).map(
      (i) => `${nameOf(i.priorRoleId)}>${nameOf(i.impliedRoleId)}`,
    )
    assert.deepEqual(implications.sort(), ['admin>manager', 'manager>member', 'member>reader'])
    const project = await store.resource.findProjectByName('admin', 'default')
    assert.ok(project)
    const effective = await store.effectiveRoles.rolesFor(user?.id ?? '', {
      kind: 'project',
      projectId: project.id,
    })
    assert.deepEqual(effective.map((r) => r.name).sort(), ['admin', 'manager', 'member', 'reader'])
    const system = await store.effectiveRoles.rolesFor(user?.id ?? '', {
      kind: 'system',
      system: 'all',
    })
    assert.ok(system.some((r) => r.name === 'admin'))
    const [identity] = await store.catalog.listServices({ type: 'identity' })
    assert.equal(identity?.name, 'keystone')
    const endpoints = await store.catalog.listEndpoints({ serviceId: identity?.id ?? '' })
    assert.deepEqual(endpoints.map((e) => [e.interface, e.regionId, e.url]).sort(), [
      ['internal', 'RegionOne', 'http://127.0.0.1:5000/v3/'],
      ['public', 'RegionOne', 'http://127.0.0.1:5000/v3/'],
    ])
    await store.identity.updateUser(user?.id ?? '', { enabled: false })
  } finally {
    await database.close()
  }

  const again = await runBaton(['bootstrap', '--config-file', conf, ...URLS], {
    env: { OS_BOOTSTRAP_PASSWORD: 'n3w' },
  })
  assert.equal(again.status, 0, again.stderr)
  assert.match(again.stdout, /User admin already exists/)
  assert.match(again.stdout, /Reset password for user admin\./)
  assert.match(again.stdout, /Enabled user admin\./)
  assert.doesNotMatch(again.stdout, /Created (role|project|domain|user)/)

  const reopened = await openStore(conf)
  try {
    assert.equal((await reopened.store.assignment.listRoles({ domainId: null })).length, 5)
    assert.equal((await reopened.store.catalog.listEndpoints()).length, 2)
    const user = await reopened.store.identity.findUserByName('admin', 'default')
    assert.ok(user?.enabled)
  } finally {
    await reopened.database.close()
  }
})

test('bootstrap without a password is one clear error', async () => {
  const { conf } = databaseConfig()
  const run = await runBaton(['bootstrap', '--config-file', conf])
  assert.equal(run.status, 1)
  assert.match(run.stderr, /^baton: a bootstrap password is required/)
})
