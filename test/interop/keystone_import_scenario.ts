/**
 * Issue 16's cut-over, shared by each source database (keystone_import.test.ts on SQLite,
 * keystone_import.mariadb.test.ts on MariaDB): a real Keystone 22 (uwsgi) filled through
 * openstackclient is imported by `baton db import-keystone` into a Baton (SQLite, or MariaDB
 * where the variant names a target) that shares
 * Keystone's Fernet and credential key repositories; openstackclient's lists then read the same
 * from both, the users' passwords and application credentials work at Baton, a token Keystone
 * issued before the import validates at Baton and one Keystone revoked stays revoked.
 * @module
 */
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { main } from '@baton/cli'
import { type IdentityProcess, startIdentity } from './identity_process.ts'
import { type KeystoneProcess, keystoneMissing, startKeystone } from './keystone_process.ts'
import { openstackJson, openstackMissing, openstackOk } from './openstack_cli.ts'

type Row = Record<string, unknown>

/** Where Keystone keeps its database for one variant of the scenario. */
export interface KeystoneSourceDb {
  /** keystone.conf's `[database] connection`; undefined: a SQLite file in Keystone's dir. */
  readonly connection?: string
  /** The `--from` URL once Keystone runs in `keystoneDir`. */
  from(keystoneDir: string): string
  /** Baton's `[database] connection`; undefined: a SQLite file in Baton's scratch dir. */
  readonly target?: string
  /** Drops what the variant created (a database on a shared server). */
  cleanup?(): Promise<void>
}

/** Why the scenario cannot run here (Keystone, uwsgi or openstackclient missing), or false. */
export const scenarioMissing: string | false =
  keystoneMissing !== false ? keystoneMissing : openstackMissing

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

async function validate(url: string, token: string, subject: string) {
  const res = await fetch(`${url}/v3/auth/tokens`, {
    headers: { 'X-Auth-Token': token, 'X-Subject-Token': subject },
  })
  return { status: res.status, body: (await res.json()) as { token?: Row } }
}

async function tokenAt(url: string, token: string, subject: string): Promise<Row> {
  const { status, body } = await validate(url, token, subject)
  assert.equal(status, 200, JSON.stringify(body))
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

export function describeKeystoneImport(
  title: string,
  skip: string | false,
  source: () => Promise<KeystoneSourceDb>,
): void {
  describe(title, { skip }, () => {
    let keystone: KeystoneProcess | null = null
    let identity: IdentityProcess | null = null
    let ks: Record<string, string>
    let bt: Record<string, string>
    let aliceKs: Record<string, string>
    let aliceBt: Record<string, string>
    let appCred: Row
    let keystoneToken: string
    let revokedToken: string
    let importOutput: string[] = []
    let sourceDb: KeystoneSourceDb | null = null

    before(async () => {
      sourceDb = await source()
      keystone = await startKeystone(
        [],
        sourceDb.connection === undefined ? {} : { connection: sourceDb.connection },
      )
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
      await populateDelegationLimitsAndFilters(ks, keystone.dir)
      revokedToken = String((await openstackJson<Row>(['token', 'issue'], aliceKs)).id)
      await os(['token', 'revoke', revokedToken])

      const keystoneDir = keystone.dir
      const from = sourceDb.from(keystoneDir)
      identity = await startIdentity([], {
        bootstrap: false,
        ...(sourceDb.target === undefined ? {} : { connection: sourceDb.target }),
        keyRepository: join(keystoneDir, 'fernet-keys'),
        credentialKeyRepository: join(keystoneDir, 'credential-keys'),
        prepare: async (conf) => {
          const out: string[] = []
          const err: string[] = []
          const status = await main(
            ['db', 'import-keystone', '--config-file', conf, '--from', from],
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
      await sourceDb?.cleanup?.()
    })

    test('the import names every table it copied', () => {
      assert.equal(importOutput[0], 'Copied:')
      assert.ok(importOutput.includes('  application_credential: 2'), importOutput.join('\n'))
      assert.ok(importOutput.includes('  access_rule: 1'), importOutput.join('\n'))
      assert.ok(importOutput.includes('  project_tag: 1'), importOutput.join('\n'))
      for (const line of [
        '  credential: 1',
        '  trust: 2',
        '  trust_role: 2',
        '  registered_limit: 1',
        '  limit: 1',
        '  endpoint_group: 1',
        '  project_endpoint_group: 1',
        '  project_endpoint: 1',
      ]) {
        assert.ok(importOutput.includes(line), `${line} in:\n${importOutput.join('\n')}`)
      }
      assert.ok(
        importOutput.some((line) => /^ {2}revocation_event: [1-9]/.test(line)),
        importOutput.join('\n'),
      )
      assert.deepEqual(
        importOutput.filter((line) => line.startsWith('cannot import')),
        [],
      )
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
      ['credential', 'list'],
      ['trust', 'list'],
      ['registered', 'limit', 'list'],
      ['endpoint', 'group', 'list'],
      ['endpoint', 'group', 'list', '--project', 'p1'],
      ['endpoint', 'list', '--project', 'p1'],
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

    test("alice's application credentials and limits, p1's tags list the same", async () => {
      for (const [args, env] of [
        [['application', 'credential', 'list'], 'alice'],
        // Keystone lists the limits of the token's project: alice's token is p1's
        [['limit', 'list'], 'alice'],
        [['project', 'show', 'p1'], 'admin'],
        [['user', 'show', 'alice'], 'admin'],
      ] as const) {
        const [atKeystone, atBaton] = await Promise.all([
          openstackJson<Row | Row[]>(args, env === 'alice' ? aliceKs : ks),
          openstackJson<Row | Row[]>(args, env === 'alice' ? aliceBt : bt),
        ])
        if (Array.isArray(atKeystone)) assert.ok(atKeystone.length > 0, args.join(' '))
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
        openstackJson<Row>(['token', 'issue'], {
          ...env,
          OS_APPLICATION_CREDENTIAL_SECRET: 'wrong',
        }),
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

    test('a token Keystone revoked before the import stays revoked at Baton', async () => {
      const adminAtKeystone = String((await openstackJson<Row>(['token', 'issue'], ks)).id)
      const adminAtBaton = String((await openstackJson<Row>(['token', 'issue'], bt)).id)
      const atKeystone = await validate(keystone?.url ?? '', adminAtKeystone, revokedToken)
      const atBaton = await validate(identity?.url ?? '', adminAtBaton, revokedToken)
      assert.equal(atKeystone.status, 404)
      assert.equal(atBaton.status, 404, JSON.stringify(atBaton.body))
    })
  })
}

/**
 * The rest of Keystone's database, created at Keystone: a credential, two trusts (one
 * impersonating, one expiring), a registered limit and a project limit, an endpoint group on p1
 * and an endpoint filtered onto p1.
 */
async function populateDelegationLimitsAndFilters(
  env: Record<string, string>,
  keystoneDir: string,
): Promise<void> {
  const os = (args: readonly string[]) => openstackOk(args, env)
  await os([
    'credential',
    'create',
    '--type',
    'ec2',
    '--project',
    'p1',
    'alice',
    '{"access": "ak", "secret": "sk"}',
  ])
  await os([
    'trust',
    'create',
    '--project',
    'admin',
    '--role',
    'admin',
    '--impersonate',
    'admin',
    'alice',
  ])
  await os([
    'trust',
    'create',
    '--project',
    'admin',
    '--role',
    'admin',
    '--expiration',
    '2031-01-02T03:04:05',
    'admin',
    'alice',
  ])
  await os([
    'registered',
    'limit',
    'create',
    '--service',
    'glance',
    '--region',
    'RegionTwo',
    '--default-limit',
    '10',
    '--description',
    'images per project',
    'images',
  ])
  await os([
    'limit',
    'create',
    '--project',
    'p1',
    '--service',
    'glance',
    '--region',
    'RegionTwo',
    '--resource-limit',
    '5',
    'images',
  ])
  const filters = join(keystoneDir, 'endpoint-group-filters.json')
  writeFileSync(filters, JSON.stringify({ interface: 'public' }))
  await os([
    'endpoint',
    'group',
    'create',
    'public-only',
    filters,
    '--description',
    'public endpoints',
  ])
  await os(['endpoint', 'group', 'add', 'project', 'public-only', 'p1'])
  const glance = await openstackJson<Row[]>(['endpoint', 'list', '--service', 'glance'], env)
  await os(['endpoint', 'add', 'project', String(glance[0]?.ID), 'p1'])
}
