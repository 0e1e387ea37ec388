/**
 * Data for the scale section, written through the identity store: a probe user (password, member
 * role on its own project) created with the store's repositories plus a pool of users like it,
 * the same in the empty and the big database; and the bulk (users with a password each, projects, user-project role
 * assignments) as multi-row INSERTs in one transaction through the store's Kysely handle, which
 * is what keeps 300k+ rows well under a minute on SQLite and PostgreSQL alike.
 * @module
 */
import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { hashBcrypt } from '../../packages/identity/src/passwords/bcrypt_hashes.ts'
import { createStore, openDatabase } from '../../packages/identity/src/store/index.ts'
import type { PasswordCreds, ProjectScope } from './identity_api.ts'

export type SeedSizes = {
  readonly users: number
  readonly projects: number
  readonly assignments: number
}

export type Probe = { readonly creds: PasswordCreds; readonly project: ProjectScope }

export const PROBE: Probe = {
  creds: { user: 'bench-probe', domainId: 'default', password: 'bench-probe-pw' },
  project: { name: 'bench-probe-project', domainId: 'default' },
}

/** Rows per INSERT: under SQLite's 32766 bound parameters with 11 columns to spare. */
const BATCH = 1000

const newId = () => randomUUID().replaceAll('-', '')

async function insertInBatches<T>(
  count: number,
  row: (i: number) => T,
  insert: (rows: T[]) => Promise<unknown>,
): Promise<void> {
  for (let start = 0; start < count; start += BATCH) {
    const rows: T[] = []
    for (let i = start; i < Math.min(count, start + BATCH); i++) rows.push(row(i))
    await insert(rows)
  }
}

/** A user with the member role on its own project: one token each, validated once. */
export type PoolMember = {
  readonly userId: string
  readonly projectId: string
  readonly projectName: string
}

/**
 * The probe user and project, through the store's own create and grant paths, and a pool of
 * `poolSize` more users like it (bulk-inserted) whose tokens are each used once, so that every
 * request of a cold run misses whatever the server caches per token, user or scope.
 */
export async function seedProbes(connection: string, poolSize: number): Promise<PoolMember[]> {
  const database = openDatabase(connection)
  try {
    const store = createStore(database)
    // Cost 4: the probe logs in once to get the token the scale section validates and rescopes.
    const hash = await hashBcrypt(Buffer.from(PROBE.creds.password), 4)
    const user = await store.identity.createUser({
      name: PROBE.creds.user,
      domainId: PROBE.creds.domainId,
      password: { hash },
    })
    const project = await store.resource.createProject({
      name: PROBE.project.name,
      domainId: PROBE.project.domainId,
    })
    const member = await store.assignment.findRoleByName('member', null)
    if (member === undefined) throw new Error('bootstrap made no member role')
    await store.assignment.grant({
      roleId: member.id,
      actor: { type: 'user', id: user.id },
      target: { type: 'project', id: project.id },
    })
    const pool = Array.from({ length: poolSize }, (_, i) => ({
      userId: newId(),
      projectId: newId(),
      projectName: `bench-pool-project-${i}`,
    }))
    const now = Date.now() * 1000
    await database.db.transaction().execute(async (trx) => {
      await insertInBatches(
        poolSize,
        (i) => projectRow(pool[i]?.projectId ?? '', pool[i]?.projectName ?? ''),
        (rows) => trx.insertInto('project').values(rows).execute(),
      )
      await insertInBatches(
        poolSize,
        (i) => userRow(pool[i]?.userId ?? '', `bench-pool-user-${i}`, now),
        (rows) => trx.insertInto('user').values(rows).execute(),
      )
      await insertInBatches(
        poolSize,
        (i) => ({
          type: 'UserProject' as const,
          actor_id: pool[i]?.userId ?? '',
          target_id: pool[i]?.projectId ?? '',
          role_id: member.id,
          inherited: false,
        }),
        (rows) => trx.insertInto('assignment').values(rows).execute(),
      )
    })
    return pool
  } finally {
    await database.close()
  }
}

function projectRow(id: string, name: string) {
  return {
    id,
    name,
    domain_id: 'default',
    parent_id: 'default',
    description: null,
    enabled: true,
    is_domain: false,
    options: '{}',
    extra: '{}',
  }
}

function userRow(id: string, name: string, createdAt: number) {
  return {
    id,
    name,
    domain_id: 'default',
    enabled: true,
    default_project_id: null,
    options: '{}',
    extra: '{}',
    created_at: createdAt,
    last_active_at: null,
    failed_auth_count: 0,
    failed_auth_at: null,
  }
}

/**
 * `sizes.users` users (each with a password row), `sizes.projects` projects in the default
 * domain, and `sizes.assignments` user-project assignments spread over them with the reader,
 * member and manager roles. Returns the seconds it took.
 */
export async function seedBulk(connection: string, sizes: SeedSizes): Promise<number> {
  const started = performance.now()
  const database = openDatabase(connection)
  try {
    const hash = await hashBcrypt(Buffer.from('bench-bulk-user-pw'), 4)
    const roles = await database.db
      .selectFrom('role')
      .select(['id', 'name'])
      .where('name', 'in', ['reader', 'member', 'manager'])
      .execute()
    if (roles.length === 0) throw new Error('bootstrap made no roles')
    const users = Array.from({ length: sizes.users }, newId)
    const projects = Array.from({ length: sizes.projects }, newId)
    const now = Date.now() * 1000
    await database.db.transaction().execute(async (trx) => {
      await insertInBatches(
        sizes.projects,
        (i) => projectRow(projects[i] ?? '', `bench-project-${i}`),
        (rows) => trx.insertInto('project').values(rows).execute(),
      )
      await insertInBatches(
        sizes.users,
        (i) => userRow(users[i] ?? '', `bench-user-${i}`, now),
        (rows) => trx.insertInto('user').values(rows).execute(),
      )
      await insertInBatches(
        sizes.users,
        (i) => ({
          user_id: users[i] ?? '',
          password_hash: hash,
          created_at: now,
          expires_at: null,
          self_service: false,
        }),
        (rows) => trx.insertInto('password').values(rows).execute(),
      )
      // Assignment k: user k mod U, one role per lap over the users, a scattered project; no
      // (user, project, role) repeats while assignments <= users x roles.
      await insertInBatches(
        sizes.assignments,
        (k) => {
          const lap = Math.floor(k / sizes.users)
          return {
            type: 'UserProject' as const,
            actor_id: users[k % sizes.users] ?? '',
            target_id: projects[(k * 7919 + lap * 104_729) % sizes.projects] ?? '',
            role_id: roles[lap % roles.length]?.id ?? '',
            inherited: false,
          }
        },
        (rows) => trx.insertInto('assignment').values(rows).execute(),
      )
    })
    // autovacuum would analyze this much new data within a minute; the bench cannot wait for it.
    if (database.dialect === 'postgres') await sql`ANALYZE`.execute(database.db)
  } finally {
    await database.close()
  }
  return (performance.now() - started) / 1000
}
