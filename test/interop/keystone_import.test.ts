// Issue 16's cut-over: a real Keystone 22 (uwsgi, SQLite) filled through openstackclient is
// imported by `baton db import-keystone` into a Baton that shares Keystone's Fernet key repository;
// openstackclient's lists then read the same from both, the users' passwords and application
// credentials work at Baton, and a token Keystone issued before the import validates at Baton.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { main } from '@baton/cli'
import { type IdentityProcess, startIdentity } from './identity_process.ts'
import { type KeystoneProcess, keystoneMissing, startKeystone } from './keystone_process.ts'
import { openstackJson, openstackMissing, openstackOk } from './openstack_cli.ts'

type Row = Record<string, unknown>

const skip = keystoneMissing !== false ? keystoneMissing : openstackMissing

/**
 * Rows in a stable order. A catalog entry's endpoints too: Keystone lists them in insertion order,
 * Baton by id (neither promises an order), and the import does not change which endpoints there are.
 */
function sorted(rows: readonly Row[]): string[] {
  return rows
    .map((row) =>
      Array.isArray(row.Endpoints)
        ? {
            ...row,
            Endpoints: [...(row.Endpoints as Row[])].sort((a, b) =>
              String(a.id).localeCompare(String(b.id)),
            ),
          }
        : row,
    )
    .map((row) => JSON.stringify(row))
    .sort()
}

async function tokenAt(url: string, token: string, subject: string): Promise<Row> {
  const res = await fetch(`${url}/v3/auth/tokens`, {
    headers: { 'X-Auth-Token': token, 'X-Subject-Token': subject },
  })
  const body = (await res.json()) as { token?: Row }
  assert.equal(res.status, 200, JSON.stringify(body))
  return body.token ?? {}
}

/** What a validation says that must survive the switch. */
function essence(token: Row): Row {
  const roles = (token.roles as Row[]).map((role) => `${String(role.id)}:${String(role.name)}`)
  return {
    user: (token.user as Row).id,
    project: (token.project as Row).id,
    methods: token.methods,
    expires_at: token.expires_at,
    audit_ids: token.audit_ids,
    roles: roles.sort(),
  }
}

describe('baton db import-keystone: from a running Keystone 22 to Baton', { skip }, () => {
  let keystone: KeystoneProcess | null = null
  let identity: IdentityProcess | null = null
  let ks: Record<string, string>
  let bt: Record<string, string>
  let aliceKs: Record<string, string>
  let aliceBt: Record<string, string>
  let appCred: Row
  let keystoneToken: string
  let importOutput: string[] = []

  before(async () => {
    keystone = await startKeystone()
    if (keystone === null) throw new Error('Keystone did not start')
    ks = keystone.adminEnv
    const os = (args: readonly string[]) => openstackOk(args, ks)
    await os(['domain', 'create', 'dom1'])
    await os(['project', 'create', 'p1', '--domain', 'default', '--tag', 'blue'])
    await os(['project', 'create', 'p1child', '--domain', 'default', '--parent', 'p1'])
    await os(['project', 'create', 'p2', '--domain', 'dom1'])
    await os([
      'user',
      'create',
      'alice',
      '--domain',
      'default',
      '--password',
      'alice-pw',
      '--project',
      'p1',
    ])
    await os(['user', 'set', 'alice', '--ignore-lockout-failure-attempts'])
    await os(['user', 'create', 'bob', '--domain', 'dom1', '--password', 'bob-pw', '--disable'])
    await os(['group', 'create', 'g1', '--domain', 'default'])
    await os(['group', 'add', 'user', 'g1', 'alice'])
    await os(['role', 'create', 'r1'])
    await os(['role', 'create', 'r2'])
    await os(['implied', 'role', 'create', 'r1', '--implied-role', 'r2'])
    await os(['role', 'add', '--user', 'alice', '--project', 'p1', 'member'])
    await os(['role', 'add', '--user', 'alice', '--project', 'p1', '--inherited', 'r2'])
    await os(['role', 'add', '--group', 'g1', '--project', 'p1', 'r1'])
    await os(['role', 'add', '--user', 'bob', '--user-domain', 'dom1', '--domain', 'dom1', 'r1'])
    await os(['role', 'add', '--group', 'g1', '--domain', 'default', '--inherited', 'reader'])
    await os(['role', 'add', '--user', 'alice', '--system', 'all', 'reader'])
    await os(['role', 'add', '--group', 'g1', '--system', 'all', 'r2'])
    await os(['region', 'create', 'RegionTwo'])
    await os(['service', 'create', '--name', 'glance', '--description', 'images', 'image'])
    await os([
      'endpoint',
      'create',
      'glance',
      'public',
      'http://glance.example:9292',
      '--region',
      'RegionTwo',
    ])
    aliceKs = {
      ...ks,
      OS_USERNAME: 'alice',
      OS_PASSWORD: 'alice-pw',
      OS_PROJECT_NAME: 'p1',
    }
    appCred = await openstackJson<Row>(
      [
        'application',
        'credential',
        'create',
        'ac1',
        '--secret',
        'ac1-secret',
        '--description',
        'ci',
      ],
      aliceKs,
    )
    await openstackOk(
      [
        'application',
        'credential',
        'create',
        'ac2',
        '--secret',
        'ac2-secret',
        '--access-rules',
        '[{"service": "image", "method": "GET", "path": "/v2/images"}]',
      ],
      aliceKs,
    )
    keystoneToken = String((await openstackJson<Row>(['token', 'issue'], aliceKs)).id)

    const keystoneDir = keystone.dir
    identity = await startIdentity([], {
      bootstrap: false,
      keyRepository: join(keystoneDir, 'fernet-keys'),
      prepare: async (conf) => {
        const out: string[] = []
        const err: string[] = []
        const status = await main(
          [
            'db',
            'import-keystone',
            '--config-file',
            conf,
            '--from',
            `sqlite:///${join(keystoneDir, 'keystone.db')}`,
          ],
          {
            out: (line) => out.push(line),
            err: (line) => err.push(line),
            env: {},
            now: Date.now,
            debug: false,
          },
        )
        if (status !== 0) throw new Error(`import failed: ${err.join('\n')}`)
        importOutput = out
      },
    })
    bt = { ...ks, OS_AUTH_URL: `${identity.url}/v3` }
    aliceBt = { ...aliceKs, OS_AUTH_URL: `${identity.url}/v3` }
  })

  after(async () => {
    await identity?.stop()
    await keystone?.stop()
  })

  test('the import names every table it copied', () => {
    assert.equal(importOutput[0], 'Copied:')
    assert.ok(importOutput.includes('  application_credential: 2'), importOutput.join('\n'))
    assert.ok(importOutput.includes('  access_rule: 1'), importOutput.join('\n'))
    assert.ok(importOutput.includes('  project_tag: 1'), importOutput.join('\n'))
  })

  for (const args of [
    ['user', 'list', '--long'],
    ['project', 'list', '--long'],
    ['domain', 'list'],
    ['group', 'list'],
    ['role', 'list'],
    ['implied', 'role', 'list'],
    ['role', 'assignment', 'list', '--names'],
    ['role', 'assignment', 'list'],
    ['catalog', 'list'],
    ['region', 'list'],
  ]) {
    test(`openstack ${args.join(' ')} is the same at Keystone and at Baton`, async () => {
      const [atKeystone, atBaton] = await Promise.all([
        openstackJson<Row[]>(args, ks),
        openstackJson<Row[]>(args, bt),
      ])
      assert.ok(atKeystone.length > 0)
      assert.deepEqual(sorted(atBaton), sorted(atKeystone))
    })
  }

  test("alice's application credentials and project tags list the same", async () => {
    for (const [args, env] of [
      [['application', 'credential', 'list'], 'alice'],
      [['project', 'show', 'p1'], 'admin'],
      [['user', 'show', 'alice'], 'admin'],
    ] as const) {
      const [atKeystone, atBaton] = await Promise.all([
        openstackJson<Row | Row[]>(args, env === 'alice' ? aliceKs : ks),
        openstackJson<Row | Row[]>(args, env === 'alice' ? aliceBt : bt),
      ])
      assert.deepEqual(atBaton, atKeystone, args.join(' '))
    }
  })

  test('alice logs in at Baton with her Keystone password; bob stays disabled', async () => {
    const token = await openstackJson<Row>(['token', 'issue'], aliceBt)
    assert.match(String(token.id), /^gAAAAA/)
    const bob = {
      ...bt,
      OS_USERNAME: 'bob',
      OS_PASSWORD: 'bob-pw',
      OS_USER_DOMAIN_NAME: 'dom1',
      OS_PROJECT_NAME: 'p2',
      OS_PROJECT_DOMAIN_NAME: 'dom1',
    }
    await assert.rejects(openstackJson<Row>(['token', 'issue'], bob))
  })

  test('the application credential Keystone issued logs in at Baton', async () => {
    const env: Record<string, string> = {
      OS_AUTH_URL: `${identity?.url ?? ''}/v3`,
      OS_IDENTITY_API_VERSION: '3',
      OS_AUTH_TYPE: 'v3applicationcredential',
      OS_APPLICATION_CREDENTIAL_ID: String(appCred.id),
      OS_APPLICATION_CREDENTIAL_SECRET: 'ac1-secret',
      OS_INTERFACE: 'public',
    }
    const token = await openstackJson<Row>(['token', 'issue'], env)
    assert.equal(token.user_id, (await openstackJson<Row>(['user', 'show', 'alice'], bt)).id)
    await assert.rejects(
      openstackJson<Row>(['token', 'issue'], { ...env, OS_APPLICATION_CREDENTIAL_SECRET: 'wrong' }),
    )
  })

  test('a token Keystone issued before the import validates at Baton with the same fields', async () => {
    const adminAtKeystone = String((await openstackJson<Row>(['token', 'issue'], ks)).id)
    const adminAtBaton = String((await openstackJson<Row>(['token', 'issue'], bt)).id)
    const [atKeystone, atBaton] = await Promise.all([
      tokenAt(keystone?.url ?? '', adminAtKeystone, keystoneToken),
      tokenAt(identity?.url ?? '', adminAtBaton, keystoneToken),
    ])
    assert.deepEqual(essence(atBaton), essence(atKeystone))
    // and the reverse: Baton's token for alice validates at Keystone
    const batonToken = String((await openstackJson<Row>(['token', 'issue'], aliceBt)).id)
    const reverse = await tokenAt(keystone?.url ?? '', adminAtKeystone, batonToken)
    assert.equal((reverse.user as Row).id, (atKeystone.user as Row).id)
  })
})
