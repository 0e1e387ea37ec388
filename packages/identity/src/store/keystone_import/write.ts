/**
 * Writes an import plan into Baton's database in ONE transaction: an error (a conflict, a
 * constraint, a lost connection) rolls everything back, so a failed import leaves the target as
 * it was. Entities are upserted by id; a source entity's links (tags, passwords, memberships,
 * assignments, implied roles, credential roles and rules) are replaced by the source's, so a
 * role revoked at Keystone between a rehearsal and the final sync is revoked at Baton too.
 * Rows Baton created itself (other ids) are never touched.
 * @module
 */
import { type Kysely, type RawBuilder, sql } from 'kysely'
import { KeystoneImportError } from '../../errors.ts'
import type { StoreDatabase, StoreDialect } from '../database.ts'
import type { Schema } from '../schema.ts'
import type { ImportPlan } from './plan.ts'
import { deleteStale, recordImported, staleIds, type TrackedTable } from './stale.ts'

/** A planned row: a plain object of column values (interfaces have no index signature). */
type Row = object

function field(row: Row, column: string): unknown {
  return (row as Readonly<Record<string, unknown>>)[column]
}
type Db = Kysely<Schema>

/** Unique names a different id must not already hold at the target. */
const NAME_KEYS: ReadonlyArray<readonly [keyof ImportPlan & string, readonly string[], string]> = [
  ['project', ['domain_id', 'name'], 'project or domain'],
  ['user', ['domain_id', 'name'], 'user'],
  ['group', ['domain_id', 'name'], 'group'],
  ['role', ['domain_id', 'name'], 'role'],
  ['application_credential', ['user_id', 'name'], 'application credential'],
  ['registered_limit', ['service_id', 'region_id', 'resource_name'], 'registered limit'],
  ['limit', ['registered_limit_id', 'project_id', 'domain_id'], 'limit'],
]

const CHUNK = 400

export async function writePlan(store: StoreDatabase, plan: ImportPlan): Promise<void> {
  const dialect = store.dialect
  await store.db.transaction().execute(async (trx) => {
    const stale = await staleIds(trx, plan)
    await refuseConflicts(trx, plan, stale)
    await deleteStale(trx, stale)
    const upsert = (table: string, rows: readonly Row[], key: readonly string[], update = true) =>
      upsertRows(trx, dialect, table, rows, key, update)

    await upsert('project', plan.project, ['id'])
    await replaceLinks(trx, 'project_tag', 'project_id', ids(plan.project))
    await upsert('project_tag', plan.project_tag, ['project_id', 'name'], false)

    await upsert('user', plan.user, ['id'])
    await replaceLinks(trx, 'password', 'user_id', ids(plan.user))
    for (const part of chunks(plan.password)) await insertRows(trx, dialect, 'password', part)

    await upsert('group', plan.group, ['id'])
    await replaceLinks(trx, 'user_group_membership', 'user_id', ids(plan.user))
    await upsert(
      'user_group_membership',
      plan.user_group_membership,
      ['user_id', 'group_id'],
      false,
    )

    await upsert('role', plan.role, ['id'])
    await replaceLinks(trx, 'implied_role', 'prior_role_id', ids(plan.role))
    await upsert('implied_role', plan.implied_role, ['prior_role_id', 'implied_role_id'], false)
    const actors = [...ids(plan.user), ...ids(plan.group)]
    const assignmentKey = ['type', 'actor_id', 'target_id', 'role_id', 'inherited']
    await replaceLinks(trx, 'assignment', 'actor_id', actors)
    await upsert('assignment', plan.assignment, assignmentKey, false)
    await replaceLinks(trx, 'system_assignment', 'actor_id', actors)
    await upsert('system_assignment', plan.system_assignment, assignmentKey, false)

    await upsert('region', plan.region, ['id'])
    await upsert('service', plan.service, ['id'])
    await upsert('endpoint', plan.endpoint, ['id'])

    await upsert('application_credential', plan.application_credential, ['id'])
    const credentials = ids(plan.application_credential)
    await replaceLinks(trx, 'application_credential_role', 'application_credential_id', credentials)
    await upsert(
      'application_credential_role',
      plan.application_credential_role,
      ['application_credential_id', 'role_id'],
      false,
    )
    await upsert('access_rule', plan.access_rule, ['external_id'])
    await replaceLinks(
      trx,
      'application_credential_access_rule',
      'application_credential_id',
      credentials,
    )
    const ruleIds = new Map<string, number>()
    for (const part of chunks(plan.access_rule.map((rule) => rule.external_id))) {
      const found = await trx
        .selectFrom('access_rule')
        .select(['id', 'external_id'])
        .where('external_id', 'in', part)
        .execute()
      for (const row of found) ruleIds.set(row.external_id, Number(row.id))
    }
    const links = plan.application_credential_access_rule.flatMap((link) => {
      const id = ruleIds.get(link.external_id)
      return id === undefined
        ? []
        : [
            {
              application_credential_id: link.application_credential_id,
              access_rule_id: id,
              position: link.position,
            },
          ]
    })
    for (const part of chunks(links))
      await insertRows(trx, dialect, 'application_credential_access_rule', part)

    await upsert('credential', plan.credential, ['id'])
    await upsert('trust', plan.trust, ['id'])
    await replaceLinks(trx, 'trust_role', 'trust_id', ids(plan.trust))
    await upsert('trust_role', plan.trust_role, ['trust_id', 'role_id'], false)
    await upsert('registered_limit', plan.registered_limit, ['id'])
    await upsert('limit', plan.limit, ['id'])
    await upsert('endpoint_group', plan.endpoint_group, ['id'])
    const groups = ids(plan.endpoint_group)
    await replaceLinks(trx, 'project_endpoint_group', 'endpoint_group_id', groups)
    const groupKey = ['endpoint_group_id', 'project_id']
    await upsert('project_endpoint_group', plan.project_endpoint_group, groupKey, false)
    await replaceLinks(trx, 'project_endpoint', 'project_id', ids(plan.project))
    const endpointKey = ['endpoint_id', 'project_id']
    await upsert('project_endpoint', plan.project_endpoint, endpointKey, false)
    await insertNewRevocationEvents(trx, dialect, plan.revocation_event)
    await recordImported(trx, plan)
  })
}

/**
 * Revocation events have Baton ids of their own, so a re-run must not add the same event twice:
 * an event is new when no event at the target has all the same columns.
 */
async function insertNewRevocationEvents(
  trx: Db,
  dialect: StoreDialect,
  events: ImportPlan['revocation_event'],
): Promise<void> {
  if (events.length === 0) return
  // times as numbers: a driver may hand BIGINT back as text
  const eventKey = (event: object) =>
    JSON.stringify(
      REVOCATION_COLUMNS.map((column) => {
        const item = field(event, column) ?? null
        return item !== null && REVOCATION_TIMES.has(column) ? Number(item) : item
      }),
    )
  const existing = await trx.selectFrom('revocation_event').select(REVOCATION_COLUMNS).execute()
  const known = new Set(existing.map(eventKey))
  const fresh = events.filter((event) => !known.has(eventKey(event)))
  for (const part of chunks(fresh)) await insertRows(trx, dialect, 'revocation_event', part)
}

const REVOCATION_TIMES: ReadonlySet<string> = new Set(['issued_before', 'expires_at', 'revoked_at'])

const REVOCATION_COLUMNS = [
  'domain_id',
  'project_id',
  'user_id',
  'role_id',
  'trust_id',
  'consumer_id',
  'access_token_id',
  'issued_before',
  'expires_at',
  'revoked_at',
  'audit_id',
  'audit_chain_id',
] as const

/** One error naming the first clash: a unique name held at the target by a different id. */
export async function refuseConflicts(
  trx: Db,
  plan: ImportPlan,
  stale: ReadonlyMap<TrackedTable, readonly string[]>,
): Promise<void> {
  for (const [table, columns, what] of NAME_KEYS) {
    const rows = plan[table] as readonly Row[]
    if (rows.length === 0) continue
    const existing = await sql<Row>`select ${sql.join(
      ['id', ...columns].map((column) => sql.ref(column)),
    )} from ${sql.table(table)}`.execute(trx)
    const byKey = new Map(
      existing.rows.map((row) => [keyOf(row, columns), String(field(row, 'id'))]),
    )
    for (const row of rows) {
      const holder = byKey.get(keyOf(row, columns))
      // a row Keystone deleted since the last import gives its name up before the upserts
      const leaving = stale.get(table as TrackedTable)?.includes(holder ?? '') === true
      if (holder !== undefined && holder !== field(row, 'id') && !leaving) {
        throw new KeystoneImportError(
          `the target already holds a different ${what} ${describeKey(row, columns)} (id ${holder}, Keystone's is ${String(field(row, 'id'))}): remove it from Baton or import into an empty database; nothing was written`,
        )
      }
    }
  }
}

/** `named 'x'` for named rows; `for service_id=..., region_id=...` for limits (keyed by columns). */
function describeKey(row: Row, columns: readonly string[]): string {
  if (columns.includes('name')) return `named '${String(field(row, 'name'))}'`
  const parts = columns.map((column) => `${column}=${String(field(row, column) ?? '(none)')}`)
  return `for ${parts.join(', ')}`
}

function keyOf(row: Row, columns: readonly string[]): string {
  return JSON.stringify(columns.map((column) => String(field(row, column) ?? '')))
}

function ids(rows: readonly { readonly id?: unknown }[]): string[] {
  return rows.map((row) => String(row.id))
}

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const parts: T[][] = []
  for (let start = 0; start < items.length; start += size)
    parts.push(items.slice(start, start + size))
  return parts
}

async function replaceLinks(
  trx: Db,
  table: string,
  column: string,
  owners: readonly string[],
): Promise<void> {
  for (const part of chunks(owners)) {
    await sql`delete from ${sql.table(table)} where ${sql.ref(column)} in (${sql.join(part)})`.execute(
      trx,
    )
  }
}

/** SQLite and MySQL keep booleans as 0/1 integers. */
function value(dialect: StoreDialect, item: unknown): unknown {
  return dialect !== 'postgres' && typeof item === 'boolean' ? (item ? 1 : 0) : item
}

function valuesOf(
  dialect: StoreDialect,
  rows: readonly Row[],
  columns: readonly string[],
): RawBuilder<unknown> {
  return sql.join(
    rows.map(
      (row) =>
        sql`(${sql.join(columns.map((column) => value(dialect, field(row, column) ?? null)))})`,
    ),
  )
}

async function insertRows(
  trx: Db,
  dialect: StoreDialect,
  table: string,
  rows: readonly Row[],
): Promise<void> {
  const first = rows[0]
  if (first === undefined) return
  const columns = Object.keys(first)
  await sql`insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))}) values ${valuesOf(dialect, rows, columns)}`.execute(
    trx,
  )
}

async function upsertRows(
  trx: Db,
  dialect: StoreDialect,
  table: string,
  rows: readonly Row[],
  key: readonly string[],
  update: boolean,
): Promise<void> {
  for (const part of chunks(rows)) {
    const first = part[0]
    if (first === undefined) return
    const columns = Object.keys(first)
    // A re-sync keeps the creation time Baton gave a row Keystone has no time for.
    const others = columns.filter((column) => !key.includes(column) && column !== 'created_at')
    const replace = update && others.length > 0 ? others : []
    await sql`insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))}) values ${valuesOf(dialect, part, columns)} ${onConflict(dialect, key, replace)}`.execute(
      trx,
    )
  }
}

/**
 * The upsert's conflict clause: ON CONFLICT (key) for SQLite and PostgreSQL; MySQL/MariaDB have
 * only ON DUPLICATE KEY UPDATE (on any unique key: refuseConflicts has already ruled out a clash
 * on a name key), with VALUES(col), which both MariaDB and MySQL 8 accept (MySQL's row alias
 * `AS new` is unknown to MariaDB), and a no-op assignment for "do nothing".
 */
function onConflict(
  dialect: StoreDialect,
  key: readonly string[],
  replace: readonly string[],
): RawBuilder<unknown> {
  if (dialect === 'mysql') {
    const firstKey = sql.ref(key[0] ?? 'id')
    const sets =
      replace.length > 0
        ? replace.map((c) => sql`${sql.ref(c)} = values(${sql.ref(c)})`)
        : [sql`${firstKey} = ${firstKey}`]
    return sql`on duplicate key update ${sql.join(sets)}`
  }
  const action =
    replace.length > 0
      ? sql`do update set ${sql.join(replace.map((c) => sql`${sql.ref(c)} = excluded.${sql.ref(c)}`))}`
      : sql`do nothing`
  return sql`on conflict (${sql.join(key.map((c) => sql.ref(c)))}) ${action}`
}
