// `baton db import-keystone` on a real Keystone 22 database (Debian's keystone-manage db_sync and
// bootstrap): the dry run writes nothing, the import keeps Keystone's ids and password hashes, a
// re-run is idempotent and brings a revocation over, a conflicting target is refused untouched.
// Each test runs against a Baton target on SQLite and on MariaDB (a fresh database per test on the
// server BATON_TEST_MYSQL_URL names, skipped without it), where InnoDB checks foreign keys row by
// row: parents are inserted before children and deleted after them.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { before, test } from 'node:test'
import Database from 'better-sqlite3'
import mysql from 'mysql2/promise'
import { freshMysqlDatabase, MYSQL_SKIP } from '../../identity/store/store.fixtures.ts'
import { runBaton } from '../cli_harness.ts'

const KEYSTONE_MANAGE = '/usr/bin/keystone-manage'
const missing = existsSync(KEYSTONE_MANAGE)
  ? false
  : `${KEYSTONE_MANAGE} not found: apt-get install python3-keystone keystone`

let keystoneDb = ''

function keystoneManage(conf: string, args: readonly string[]): void {
  execFileSync(KEYSTONE_MANAGE, ['--config-file', conf, ...args], {
    stdio: 'ignore',
    env: { PATH: '/usr/bin:/bin', HOME: tmpdir(), LANG: 'C.UTF-8' },
  })
}

before(() => {
  if (missing !== false) return
  const dir = mkdtempSync(join(tmpdir(), 'baton-keystone-db-'))
  keystoneDb = join(dir, 'keystone.db')
  const conf = join(dir, 'keystone.conf')
  writeFileSync(
    conf,
    [
      '[database]',
      `connection = sqlite:///${keystoneDb}`,
      '[fernet_tokens]',
      `key_repository = ${join(dir, 'fernet-keys')}`,
      '[identity]',
      'password_hash_rounds = 4',
      '',
    ].join('\n'),
  )
  const owner = ['--keystone-user', execFileSync('id', ['-un']).toString().trim()]
  const group = ['--keystone-group', execFileSync('id', ['-gn']).toString().trim()]
  keystoneManage(conf, ['db_sync'])
  keystoneManage(conf, ['fernet_setup', ...owner, ...group])
  keystoneManage(conf, [
    'bootstrap',
    '--bootstrap-password',
    'keystone-admin-pw',
    '--bootstrap-public-url',
    'http://127.0.0.1:5000/v3/',
    '--bootstrap-region-id',
    'RegionOne',
  ])
})

/** Baton's database under test: its config file, and SQL on it (identifiers in double quotes). */
interface Target {
  readonly conf: string
  query<T>(statement: string): Promise<T[]>
  exec(statement: string): Promise<void>
  close(): Promise<void>
}

const TARGETS: ReadonlyArray<readonly [string, () => Promise<Target>, string | false]> = [
  ['sqlite', async () => sqliteTarget(), false],
  ['mariadb', mariadbTarget, MYSQL_SKIP],
]

/** Each test once per target kind, skipped where Keystone or the target's server is missing. */
function eachTarget(title: string, body: (target: Target) => Promise<void>): void {
  for (const [kind, open, skip] of TARGETS) {
    test(`${title} [${kind}]`, { skip: missing || skip }, async () => {
      const target = await open()
      try {
        await body(target)
      } finally {
        await target.close()
      }
    })
  }
}

function targetConf(dir: string, connection: string): string {
  const conf = join(dir, 'identity.conf')
  writeFileSync(
    conf,
    [
      '[database]',
      `connection = ${connection}`,
      '[fernet_tokens]',
      `key_repository = ${join(dir, 'fernet-keys')}`,
      '',
    ].join('\n'),
  )
  return conf
}

function sqliteTarget(): Target {
  const dir = mkdtempSync(join(tmpdir(), 'baton-import-target-'))
  const db = join(dir, 'identity.db')
  return {
    conf: targetConf(dir, `sqlite:///${db}`),
    query: async <T>(statement: string) => query<T>(db, statement),
    exec: async (statement) => {
      const conn = new Database(db)
      try {
        conn.exec(statement)
      } finally {
        conn.close()
      }
    },
    close: async () => {},
  }
}

/** A fresh database on the MariaDB test server; test SQL runs with ANSI_QUOTES. */
async function mariadbTarget(): Promise<Target> {
  const fresh = await freshMysqlDatabase()
  const url = new URL(fresh.url)
  const run = async (statement: string): Promise<unknown> => {
    const conn = await mysql.createConnection({
      host: url.hostname,
      port: Number(url.port || 3306),
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      database: url.pathname.slice(1),
      charset: 'utf8mb4',
    })
    try {
      await conn.query("set session sql_mode = concat(@@sql_mode, ',ANSI_QUOTES')")
      const [rows] = await conn.query(statement)
      return rows
    } finally {
      await conn.end()
    }
  }
  return {
    conf: targetConf(mkdtempSync(join(tmpdir(), 'baton-import-target-')), fresh.url),
    // plain objects, as better-sqlite3 returns them
    query: async <T>(statement: string) =>
      ((await run(statement)) as object[]).map((row) => ({ ...row }) as T),
    exec: async (statement) => {
      await run(statement)
    },
    close: () => fresh.close(),
  }
}

function query<T>(file: string, statement: string): T[] {
  const db = new Database(file, { readonly: true })
  try {
    return db.prepare(statement).all() as T[]
  } finally {
    db.close()
  }
}

function copyOf(file: string): string {
  const copy = join(mkdtempSync(join(tmpdir(), 'baton-keystone-copy-')), 'keystone.db')
  const db = new Database(file, { readonly: true })
  try {
    db.exec(`vacuum into '${copy.replaceAll("'", "''")}'`)
  } finally {
    db.close()
  }
  return copy
}

const importArgs = (conf: string, from: string, ...more: string[]) => [
  'db',
  'import-keystone',
  '--config-file',
  conf,
  '--from',
  `sqlite:///${from}`,
  ...more,
]

eachTarget('a target not yet synced is refused with the command to run', async (target) => {
  const { conf } = target
  const run = await runBaton(importArgs(conf, keystoneDb))
  assert.equal(run.status, 1)
  assert.match(run.stderr, /^baton: the target .* run `baton db sync/)
})

eachTarget(
  'dry run counts per table and writes nothing; the import keeps ids and hashes; a re-run is idempotent and brings revocations over',
  async (target) => {
    const { conf } = target
    assert.equal((await runBaton(['db', 'sync', '--config-file', conf])).status, 0)
    const source = copyOf(keystoneDb)

    const dry = await runBaton(importArgs(conf, source, '--dry-run'))
    assert.equal(dry.status, 0, dry.stderr)
    assert.match(dry.stdout, /^Would copy \(dry run, nothing written\):/)
    assert.match(dry.stdout, /\n {2}user: 1\n/)
    assert.match(dry.stdout, /\n {2}role: 3\n/)
    assert.match(dry.stdout, /\n {2}system_assignment: 1\n/)
    assert.deepEqual(await target.query('select id from "user"'), [])

    const first = await runBaton(importArgs(conf, source))
    assert.equal(first.status, 0, first.stderr)
    assert.equal(
      first.stdout,
      dry.stdout.replace(/^Would copy \(dry run, nothing written\):/, 'Copied:'),
    )
    const keystoneAdmin = query<{ id: string; password_hash: string }>(
      source,
      'select u.id, p.password_hash from "user" u join local_user l on l.user_id = u.id join password p on p.local_user_id = l.id',
    )
    const batonAdmin = await target.query<{ id: string; name: string; password_hash: string }>(
      'select u.id, u.name, p.password_hash from "user" u join password p on p.user_id = u.id',
    )
    assert.deepEqual(batonAdmin, [{ ...keystoneAdmin[0], name: 'admin' }])
    const roles = 'select id, name from role order by id'
    assert.deepEqual(await target.query(roles), query(source, roles))
    const assignments = 'select type, actor_id, target_id, role_id from assignment order by role_id'
    assert.deepEqual(await target.query(assignments), query(source, assignments))
    const snapshot = () =>
      Promise.all(
        [
          'project',
          'user',
          'password',
          'role',
          'implied_role',
          'assignment',
          'system_assignment',
          'endpoint',
        ].map((table) => target.query(`select * from "${table}" order by 1, 2`)),
      )
    const afterFirst = await snapshot()

    const again = await runBaton(importArgs(conf, source))
    assert.equal(again.status, 0, again.stderr)
    assert.equal(again.stdout, first.stdout)
    // every row the same; the password history is rewritten, so its serial ids move on
    const afterAgain = await snapshot()
    assert.deepEqual(afterAgain.slice(0, 2), afterFirst.slice(0, 2))
    assert.deepEqual(afterAgain.slice(3), afterFirst.slice(3))

    // Keystone revokes the admin's system role after the rehearsal: the final sync revokes it too.
    const writable = new Database(source)
    writable.exec('delete from system_assignment')
    writable.close()
    const resync = await runBaton(importArgs(conf, source))
    assert.equal(resync.status, 0, resync.stderr)
    assert.match(resync.stdout, /\n {2}system_assignment: 0\n/)
    assert.deepEqual(await target.query('select * from system_assignment'), [])

    // A role Keystone deletes after an import is deleted by the next one (the previous import
    // brought it); a role created at Baton (never imported) is left alone.
    const edit = (statement: string) => {
      const conn = new Database(source)
      conn.exec(statement)
      conn.close()
    }
    edit("insert into role (id, name, domain_id) values ('doomed-role', 'doomed', '<<null>>')")
    await target.exec(
      "insert into role (id, name, domain_id, options, extra) values ('baton-role', 'batons', '<<null>>', '{}', '{}')",
    )
    // A domain whose projects Keystone lists children first (3's parent is 2, both before the
    // domain in its table), and a user there: InnoDB checks each row's parent as it is inserted,
    // and as it is deleted (the ids sort parents first, the order a one-statement delete takes).
    edit(`pragma foreign_keys = off;
    insert into project (id, name, extra, enabled, domain_id, parent_id, is_domain) values
      ('doomed-3', 'a', '{}', 1, 'doomed-1', 'doomed-2', 0),
      ('doomed-2', 'b', '{}', 1, 'doomed-1', 'doomed-1', 0),
      ('doomed-1', 'doomed', '{}', 1, '<<keystone.domain.root>>', null, 1);
    insert into "user" (id, extra, enabled, domain_id) values ('doomed-user', '{}', 1, 'doomed-1');
    insert into local_user (id, user_id, domain_id, name) values (99, 'doomed-user', 'doomed-1', 'dora');`)
    const withDoomed = await runBaton(importArgs(conf, source))
    assert.equal(withDoomed.status, 0, withDoomed.stderr)
    const idsOf = async (table: string) =>
      (await target.query<{ id: string }>(`select id from "${table}"`)).map((row) => row.id)
    const roleIds = () => idsOf('role')
    assert.ok((await roleIds()).includes('doomed-role'))
    assert.deepEqual(
      await target.query(
        "select id, parent_id from project where domain_id = 'doomed-1' order by id",
      ),
      [
        { id: 'doomed-2', parent_id: 'doomed-1' },
        { id: 'doomed-3', parent_id: 'doomed-2' },
      ],
    )
    // Baton's own application credential with an access rule, for the imported user: it goes
    // with the user, before the rule the user's deletion cascades to.
    await target.exec(`insert into application_credential (id, name, secret_hash, user_id,
    unrestricted, created_at) values ('baton-ac', 'mine', 'x', 'doomed-user', 0, 1)`)
    await target.exec(`insert into access_rule (external_id, user_id, service, path, method)
    values ('baton-rule', 'doomed-user', 'compute', '/v2.1/servers', 'GET')`)
    await target.exec(`insert into application_credential_access_rule
    (application_credential_id, access_rule_id, position)
    select 'baton-ac', id, 0 from access_rule where external_id = 'baton-rule'`)
    edit(`delete from role where id = 'doomed-role';
    delete from local_user where id = 99;
    delete from "user" where id = 'doomed-user';
    pragma foreign_keys = off;
    delete from project where id like 'doomed-%';`)
    const dryDelete = await runBaton(importArgs(conf, source, '--dry-run'))
    assert.match(
      dryDelete.stdout,
      /\n {2}role: 1 deleted \(gone from Keystone since the last import\)/,
    )
    assert.ok((await roleIds()).includes('doomed-role'), 'the dry run deletes nothing')
    const afterDelete = await runBaton(importArgs(conf, source))
    assert.equal(afterDelete.status, 0, afterDelete.stderr)
    assert.match(afterDelete.stdout, /\n {2}role: 1 deleted/)
    assert.match(afterDelete.stdout, /\n {2}user: 1 deleted/)
    assert.match(afterDelete.stdout, /\n {2}project: 3 deleted/)
    assert.ok(!(await roleIds()).includes('doomed-role'))
    assert.ok((await roleIds()).includes('baton-role'))
    assert.ok(!(await idsOf('project')).some((id) => id.startsWith('doomed-')))
    assert.deepEqual(await idsOf('application_credential'), [])
    assert.deepEqual(await target.query('select id from access_rule'), [])
  },
)

eachTarget(
  'a target holding a different row under an imported name is refused, nothing written',
  async (target) => {
    const { conf } = target
    assert.equal((await runBaton(['db', 'sync', '--config-file', conf])).status, 0)
    const boot = await runBaton([
      'bootstrap',
      '--config-file',
      conf,
      '--bootstrap-password',
      'baton-pw',
    ])
    assert.equal(boot.status, 0, boot.stderr)
    const tables = () =>
      Promise.all(
        ['user', 'role', 'assignment', 'password'].map((table) =>
          target.query(`select * from "${table}" order by 1, 2`),
        ),
      )
    const before = await tables()
    for (const dryRun of [['--dry-run'], []]) {
      const run = await runBaton(importArgs(conf, keystoneDb, ...dryRun))
      assert.equal(run.status, 1)
      assert.match(
        run.stderr,
        /^baton: the target already holds a different (role|project or domain|user) named '[^']+' \(id [^,]+, Keystone's is [^)]+\): .*nothing was written$/,
      )
    }
    assert.deepEqual(await tables(), before)
  },
)

eachTarget(
  'credentials, live trusts, limits, endpoint filters and recent revocation events come over; the rest is named',
  async (target) => {
    const { conf } = target
    assert.equal((await runBaton(['db', 'sync', '--config-file', conf])).status, 0)
    const source = copyOf(keystoneDb)
    const one = (statement: string) => ({
      id: String(query<{ id: string }>(source, statement)[0]?.id),
    })
    const admin = one('select id from "user"').id
    const project = one("select id from project where name = 'admin'").id
    const role = one("select id from role where name = 'admin'").id
    const service = one('select id from service').id
    const endpoint = one("select id from endpoint where interface = 'public'").id
    const micros = (date: Date) => date.toISOString().replace('T', ' ').replace('Z', '000')
    const hourAgo = micros(new Date(Date.now() - 3600_000))
    const weekAgo = micros(new Date(Date.now() - 7 * 86400_000))
    const conn = new Database(source)
    const trust = (id: string, trustee: string, extra: string) =>
      conn.exec(`insert into trust (id, trustor_user_id, trustee_user_id, project_id, impersonation,
      remaining_uses, redelegation_count, extra, ${extra}) values ('${id}', '${admin}', '${trustee}',
      '${project}', 1, ${id === 'used-up' ? 0 : 3}, 2, '{}', ${id === 'deleted' ? `'${hourAgo}'` : 'null'})`)
    trust('live', admin, 'deleted_at')
    trust('used-up', admin, 'deleted_at')
    trust('deleted', admin, 'deleted_at')
    conn.exec(`insert into trust (id, trustor_user_id, trustee_user_id, impersonation, expires_at,
    expires_at_int) values ('expired', '${admin}', '${admin}', 0, '${hourAgo}', ${Date.now() * 1000 - 3600_000_000})`)
    trust('stranger', 'not-a-user', 'deleted_at')
    conn.exec(`insert into trust_role values ('live', '${role}'), ('expired', '${role}')`)
    conn.exec(`insert into credential (id, user_id, project_id, type, extra, key_hash, encrypted_blob)
    values ('cred1', '${admin}', '${project}', 'ec2', null, 'hash1', 'gAAAAAblob')`)
    conn.exec(`insert into registered_limit (internal_id, id, service_id, region_id, resource_name,
    default_limit) values (7, 'rl1', '${service}', 'RegionOne', 'cores', 10)`)
    conn.exec(`insert into "limit" (internal_id, id, project_id, resource_limit, registered_limit_id)
    values (9, 'l1', '${project}', 5, 'rl1')`)
    conn.exec(
      `insert into endpoint_group values ('eg1', 'public', null, '{"interface": "public"}')`,
    )
    conn.exec(`insert into project_endpoint_group values ('eg1', '${project}'), ('eg1', 'gone')`)
    conn.exec(`insert into project_endpoint values ('${endpoint}', '${project}')`)
    conn.exec(`insert into revocation_event (user_id, issued_before, revoked_at, audit_id)
    values ('${admin}', '${hourAgo}', '${hourAgo}', 'recent'), ('${admin}', '${weekAgo}', '${weekAgo}', 'old')`)
    conn.exec("insert into policy (id, type, blob, extra) values ('pol1', 'json', '{}', '{}')")
    conn.exec('create table site_notes (id integer)')
    conn.exec('insert into site_notes values (1)')
    conn.close()

    const run = await runBaton(importArgs(conf, source))
    assert.equal(run.status, 0, run.stderr)
    for (const line of [
      'credential: 1',
      'trust: 1',
      'trust_role: 1',
      'registered_limit: 1',
      'limit: 1',
      'endpoint_group: 1',
      'project_endpoint_group: 1',
      'project_endpoint: 1',
      'revocation_event: 1',
    ]) {
      assert.match(run.stdout, new RegExp(`\\n {2}${line}\\n`), run.stdout)
    }
    for (const named of [
      /cannot import: trust stranger: user not-a-user is not imported/,
      /cannot import: trust: 3 deleted, expired or used-up trusts/,
      /cannot import: revocation_event: 1 events too old/,
      /cannot import: policy: 1 rows/,
      /cannot import: site_notes: 1 rows \(a table Keystone 22 does not have/,
    ]) {
      assert.match(run.stdout, named)
    }
    assert.deepEqual(
      await target.query(
        'select id, impersonation, remaining_uses, redelegation_count, expires_at from trust',
      ),
      [
        {
          id: 'live',
          impersonation: 1,
          remaining_uses: 3,
          redelegation_count: 2,
          expires_at: null,
        },
      ],
    )
    assert.deepEqual(await target.query('select * from credential'), [
      {
        id: 'cred1',
        user_id: admin,
        project_id: project,
        type: 'ec2',
        encrypted_blob: 'gAAAAAblob',
        key_hash: 'hash1',
        extra: '{}',
      },
    ])
    assert.deepEqual(
      await target.query('select id, registered_limit_id, resource_limit from "limit"'),
      [{ id: 'l1', registered_limit_id: 'rl1', resource_limit: 5 }],
    )
    assert.deepEqual(await target.query('select audit_id from revocation_event'), [
      { audit_id: 'recent' },
    ])

    // a re-run adds no event twice; a trust Keystone deleted since goes at Baton too
    const edit = new Database(source)
    edit.exec(`update trust set deleted_at = '${hourAgo}' where id = 'live'`)
    edit.close()
    const again = await runBaton(importArgs(conf, source))
    assert.equal(again.status, 0, again.stderr)
    assert.match(again.stdout, /\n {2}trust: 1 deleted/)
    assert.deepEqual(await target.query('select * from trust'), [])
    assert.deepEqual(await target.query('select * from trust_role'), [])
    assert.deepEqual(await target.query('select audit_id from revocation_event'), [
      { audit_id: 'recent' },
    ])

    // a registered limit Baton made under the key Keystone's now has: named, nothing written
    await target.exec(`insert into registered_limit (id, service_id, region_id, resource_name, default_limit)
    values ('baton-rl', '${service}', 'RegionOne', 'disk', 1)`)
    const clash = new Database(source)
    clash.exec("update registered_limit set resource_name = 'disk' where id = 'rl1'")
    clash.close()
    const refused = await runBaton(importArgs(conf, source))
    assert.equal(refused.status, 1)
    assert.match(
      refused.stderr,
      /^baton: the target already holds a different registered limit for service_id=\S+, region_id=RegionOne, resource_name=disk \(id baton-rl, Keystone's is rl1\): .*nothing was written$/m,
    )
    assert.deepEqual(
      await target.query("select resource_name from registered_limit where id = 'rl1'"),
      [{ resource_name: 'cores' }],
    )
  },
)
