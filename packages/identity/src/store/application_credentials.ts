/**
 * Application credentials: the repository interface and its SQL implementation. The store keeps
 * the secret's hash only; the role list and the access rules (access_rules.ts) are written with
 * the credential in one transaction.
 * @module
 */
import type { Kysely, Selectable } from 'kysely'
import { ApplicationCredentialNotFound, RoleNotFound, UserNotFound } from '../errors.ts'
import {
  type AccessRule,
  type AccessRuleFilter,
  accessRulesOf,
  attachAccessRules,
  deleteAccessRule,
  getAccessRule,
  listAccessRules,
  type RequestedAccessRule,
} from './access_rules.ts'
import { asBool, newId } from './codecs.ts'
import { inTransaction, type StoreContext } from './context.ts'
import type { ApplicationCredentialTable, Schema } from './schema.ts'
import { duplicateName, notFound, rethrowConflict } from './store_errors.ts'
import { type Micros, nowMicros } from './timestamps.ts'

export interface ApplicationCredential {
  readonly id: string
  readonly name: string
  readonly userId: string
  readonly projectId: string | null
  readonly system: string | null
  readonly description: string | null
  readonly expiresAt: Micros | null
  readonly unrestricted: boolean
  readonly createdAt: Micros
  readonly roleIds: readonly string[]
  /** Empty: unrestricted by path (Keystone omits `access_rules` then). */
  readonly accessRules: readonly AccessRule[]
}

export interface NewApplicationCredential {
  readonly id?: string
  readonly name: string
  readonly userId: string
  readonly projectId?: string | null
  readonly system?: string | null
  readonly secretHash: string
  readonly description?: string | null
  readonly expiresAt?: Micros | null
  readonly unrestricted?: boolean
  readonly roleIds: readonly string[]
  readonly accessRules?: readonly RequestedAccessRule[]
}

export interface ApplicationCredentialRepository {
  /** @throws UserNotFound, RoleNotFound, Conflict (name taken for this user) */
  create(input: NewApplicationCredential): Promise<ApplicationCredential>
  /** @throws ApplicationCredentialNotFound */
  get(id: string): Promise<ApplicationCredential>
  findByName(userId: string, name: string): Promise<ApplicationCredential | undefined>
  /** For authentication only; never rendered. */
  getSecretHash(id: string): Promise<string | undefined>
  list(userId: string, filter?: { readonly name?: string }): Promise<ApplicationCredential[]>
  /** @throws ApplicationCredentialNotFound */
  delete(id: string): Promise<void>
  /** Keystone drops a user's credentials on a project when the user loses its roles there. */
  deleteForUserOnProject(userId: string, projectId: string): Promise<number>
  /** @throws AccessRuleNotFound (another user's rule included) */
  getAccessRule(userId: string, id: string): Promise<AccessRule>
  listAccessRules(userId: string, filter?: AccessRuleFilter): Promise<AccessRule[]>
  /** @throws AccessRuleNotFound, Forbidden while a credential uses it */
  deleteAccessRule(userId: string, id: string): Promise<void>
}

/** Every column but the secret's hash, which only `getSecretHash` reads. */
type Row = Omit<Selectable<ApplicationCredentialTable>, 'secret_hash'>

async function withRoles(db: Kysely<Schema>, rows: Row[]): Promise<ApplicationCredential[]> {
  if (rows.length === 0) return []
  const links = await db
    .selectFrom('application_credential_role')
    .selectAll()
    .where(
      'application_credential_id',
      'in',
      rows.map((r) => r.id),
    )
    .execute()
  const rules = await accessRulesOf(
    db,
    rows.map((r) => r.id),
  )
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    userId: row.user_id,
    projectId: row.project_id,
    system: row.system,
    description: row.description,
    expiresAt: row.expires_at,
    unrestricted: asBool(row.unrestricted),
    createdAt: row.created_at,
    roleIds: links
      .filter((l) => l.application_credential_id === row.id)
      .map((l) => l.role_id)
      .sort(),
    accessRules: rules.get(row.id) ?? [],
  }))
}

function columns(db: Kysely<Schema>) {
  return db
    .selectFrom('application_credential')
    .select([
      'id',
      'name',
      'user_id',
      'project_id',
      'system',
      'description',
      'expires_at',
      'unrestricted',
      'created_at',
    ])
}

export function createApplicationCredentialRepository(
  ctx: StoreContext,
): ApplicationCredentialRepository {
  const get = async (id: string) => {
    const row = await columns(ctx.db).where('id', '=', id).executeTakeFirst()
    if (!row) throw notFound(ApplicationCredentialNotFound, 'Application Credential', id)
    return (await withRoles(ctx.db, [row]))[0] as ApplicationCredential
  }
  return {
    async create(input) {
      const id = input.id ?? newId()
      await inTransaction(ctx, async (trx) => {
        const user = await trx
          .selectFrom('user')
          .select('id')
          .where('id', '=', input.userId)
          .executeTakeFirst()
        if (!user) throw notFound(UserNotFound, 'user', input.userId)
        const roleIds = [...new Set(input.roleIds)]
        const known = roleIds.length
          ? await trx.selectFrom('role').select('id').where('id', 'in', roleIds).execute()
          : []
        const missing = roleIds.find((r) => !known.some((k) => k.id === r))
        if (missing !== undefined) throw notFound(RoleNotFound, 'role', missing)
        try {
          await trx
            .insertInto('application_credential')
            .values({
              id,
              name: input.name,
              secret_hash: input.secretHash,
              description: input.description ?? null,
              user_id: input.userId,
              project_id: input.projectId ?? null,
              system: input.system ?? null,
              expires_at: input.expiresAt ?? null,
              unrestricted: input.unrestricted ?? false,
              created_at: nowMicros(ctx.clock),
            })
            .execute()
        } catch (error) {
          rethrowConflict(error, 'application_credential', id, () =>
            duplicateName('application_credential', input.name),
          )
        }
        if (roleIds.length > 0) {
          await trx
            .insertInto('application_credential_role')
            .values(roleIds.map((roleId) => ({ application_credential_id: id, role_id: roleId })))
            .execute()
        }
        await attachAccessRules(trx, input.userId, id, input.accessRules ?? [])
      })
      return get(id)
    },
    get,
    async findByName(userId, name) {
      const row = await columns(ctx.db)
        .where('user_id', '=', userId)
        .where('name', '=', name)
        .executeTakeFirst()
      return row ? (await withRoles(ctx.db, [row]))[0] : undefined
    },
    async getSecretHash(id) {
      const row = await ctx.db
        .selectFrom('application_credential')
        .select('secret_hash')
        .where('id', '=', id)
        .executeTakeFirst()
      return row?.secret_hash
    },
    async list(userId, filter = {}) {
      let query = columns(ctx.db).where('user_id', '=', userId)
      if (filter.name !== undefined) query = query.where('name', '=', filter.name)
      return withRoles(ctx.db, await query.orderBy('id').execute())
    },
    async delete(id) {
      const result = await ctx.db
        .deleteFrom('application_credential')
        .where('id', '=', id)
        .executeTakeFirst()
      if (Number(result.numDeletedRows) === 0) {
        throw notFound(ApplicationCredentialNotFound, 'Application Credential', id)
      }
    },
    async deleteForUserOnProject(userId, projectId) {
      const result = await ctx.db
        .deleteFrom('application_credential')
        .where('user_id', '=', userId)
        .where('project_id', '=', projectId)
        .executeTakeFirst()
      return Number(result.numDeletedRows)
    },
    getAccessRule: (userId, id) => getAccessRule(ctx, userId, id),
    listAccessRules: (userId, filter) => listAccessRules(ctx, userId, filter),
    deleteAccessRule: (userId, id) => deleteAccessRule(ctx, userId, id),
  }
}
