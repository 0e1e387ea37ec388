/**
 * Trusts (keystone/trust/backends/sql.py): the repository interface and its SQL implementation.
 * Keystone soft-deletes (`deleted_at`) and only `flush` removes rows; a read of one trust hides
 * deleted, expired and used-up trusts as TrustNotFound unless asked for deleted ones, listings
 * hide only deleted ones. `consumeUse` is the atomic decrement a trust-scoped token issue needs.
 * @module
 */
import type { Kysely, Selectable } from 'kysely'
import { TrustNotFound, TrustUseLimitReached } from '../errors.ts'
import { asBool, decodeJson, encodeJson, type JsonObject } from './codecs.ts'
import { inTransaction, type StoreContext } from './context.ts'
import type { Schema, TrustTable } from './schema.ts'
import { conflict, notFound, rethrowConflict } from './store_errors.ts'
import { type Micros, nowMicros } from './timestamps.ts'

export interface Trust {
  readonly id: string
  readonly trustorUserId: string
  readonly trusteeUserId: string
  readonly projectId: string | null
  readonly impersonation: boolean
  readonly expiresAt: Micros | null
  /** null: unlimited. */
  readonly remainingUses: number | null
  readonly redelegatedTrustId: string | null
  readonly redelegationCount: number | null
  readonly deletedAt: Micros | null
  /** Keystone's `extra` blob: the create body's unknown members (e.g. allow_redelegation). */
  readonly extra: JsonObject
  /** The delegated roles as stored (not implied ones), sorted. */
  readonly roleIds: readonly string[]
}

export interface NewTrust {
  readonly id: string
  readonly trustorUserId: string
  readonly trusteeUserId: string
  readonly projectId: string | null
  readonly impersonation: boolean
  readonly expiresAt: Micros | null
  readonly remainingUses: number | null
  readonly redelegatedTrustId: string | null
  readonly redelegationCount: number | null
  readonly extra: JsonObject
  readonly roleIds: readonly string[]
}

export interface TrustListFilter {
  readonly trustorUserId?: string
  readonly trusteeUserId?: string
  readonly redelegatedTrustId?: string
}

export interface TrustFlushFilter {
  readonly projectId?: string
  readonly trustorUserId?: string
  readonly trusteeUserId?: string
  /** Trusts that expired before this go, with every soft-deleted one (matching the filters). */
  readonly before: Micros
}

export interface TrustRepository {
  /** @throws Conflict (same trustor, trustee, project, impersonation and expiry, or same id) */
  create(input: NewTrust): Promise<Trust>
  /**
   * Keystone `get_trust`: TrustNotFound when missing, deleted, expired or used up; with
   * `deleted: true`, any row (the checks are skipped).
   */
  get(id: string, options?: { readonly deleted?: boolean }): Promise<Trust>
  /** Trusts not deleted (expired ones included, as Keystone lists them), oldest id first. */
  list(filter?: TrustListFilter): Promise<Trust[]>
  /** Marks the trust deleted. @throws TrustNotFound when no row has the id (deleted or not). */
  softDelete(id: string): Promise<void>
  /** Keystone's user-deleted callback: every live trust the user is trustor or trustee of. */
  softDeleteForUser(userId: string): Promise<string[]>
  /** `delete_trusts_for_project`: every live trust on the project. */
  softDeleteForProject(projectId: string): Promise<string[]>
  /**
   * One use of a limited trust (`consume_use`); a no-op for an unlimited one.
   * @throws TrustNotFound (missing or deleted), TrustUseLimitReached (no uses left)
   */
  consumeUse(id: string): Promise<void>
  /** `flush_expired_and_soft_deleted_trusts`; returns how many trusts were removed. */
  flush(filter: TrustFlushFilter): Promise<number>
}

type Row = Selectable<TrustTable>

async function withRoles(db: Kysely<Schema>, rows: Row[]): Promise<Trust[]> {
  if (rows.length === 0) return []
  const links = await db
    .selectFrom('trust_role')
    .selectAll()
    .where(
      'trust_id',
      'in',
      rows.map((r) => r.id),
    )
    .execute()
  return rows.map((row) => ({
    id: row.id,
    trustorUserId: row.trustor_user_id,
    trusteeUserId: row.trustee_user_id,
    projectId: row.project_id,
    impersonation: asBool(row.impersonation),
    expiresAt: row.expires_at === null ? null : Number(row.expires_at),
    remainingUses: row.remaining_uses === null ? null : Number(row.remaining_uses),
    redelegatedTrustId: row.redelegated_trust_id,
    redelegationCount: row.redelegation_count === null ? null : Number(row.redelegation_count),
    deletedAt: row.deleted_at === null ? null : Number(row.deleted_at),
    extra: decodeJson(row.extra),
    roleIds: links
      .filter((l) => l.trust_id === row.id)
      .map((l) => l.role_id)
      .sort(),
  }))
}

export function createTrustRepository(ctx: StoreContext): TrustRepository {
  const live = (db: Kysely<Schema>) =>
    db.selectFrom('trust').selectAll().where('deleted_at', 'is', null)

  const softDeleteWhere = async (
    column: 'trustor_user_id' | 'trustee_user_id' | 'project_id',
    values: string,
    alsoTrustee: boolean,
  ): Promise<string[]> => {
    const stamp = nowMicros(ctx.clock)
    return inTransaction(ctx, async (trx) => {
      let query = trx.selectFrom('trust').select('id').where('deleted_at', 'is', null)
      query = alsoTrustee
        ? query.where((eb) =>
            eb.or([eb('trustor_user_id', '=', values), eb('trustee_user_id', '=', values)]),
          )
        : query.where(column, '=', values)
      const ids = (await query.orderBy('id').execute()).map((r) => r.id)
      if (ids.length > 0) {
        await trx.updateTable('trust').set({ deleted_at: stamp }).where('id', 'in', ids).execute()
      }
      return ids
    })
  }

  return {
    async create(input) {
      await inTransaction(ctx, async (trx) => {
        try {
          await trx
            .insertInto('trust')
            .values({
              id: input.id,
              trustor_user_id: input.trustorUserId,
              trustee_user_id: input.trusteeUserId,
              project_id: input.projectId,
              impersonation: input.impersonation,
              deleted_at: null,
              expires_at: input.expiresAt,
              remaining_uses: input.remainingUses,
              redelegated_trust_id: input.redelegatedTrustId,
              redelegation_count: input.redelegationCount,
              extra: encodeJson(input.extra),
            })
            .execute()
        } catch (error) {
          rethrowConflict(error, 'trust', input.id, () =>
            conflict(
              'trust',
              'Duplicate entry found with the same trustor, trustee, project, impersonation and expiry',
            ),
          )
        }
        const roleIds = [...new Set(input.roleIds)]
        if (roleIds.length > 0) {
          await trx
            .insertInto('trust_role')
            .values(roleIds.map((roleId) => ({ trust_id: input.id, role_id: roleId })))
            .execute()
        }
      })
      return (
        await withRoles(ctx.db, [
          await ctx.db
            .selectFrom('trust')
            .selectAll()
            .where('id', '=', input.id)
            .executeTakeFirstOrThrow(),
        ])
      )[0] as Trust
    },

    async get(id, options = {}) {
      const row = await (options.deleted ? ctx.db.selectFrom('trust').selectAll() : live(ctx.db))
        .where('id', '=', id)
        .executeTakeFirst()
      if (row === undefined) throw notFound(TrustNotFound, 'trust', id)
      if (!options.deleted) {
        const expired = row.expires_at !== null && nowMicros(ctx.clock) > Number(row.expires_at)
        const usedUp = row.remaining_uses !== null && Number(row.remaining_uses) <= 0
        if (expired || usedUp) throw notFound(TrustNotFound, 'trust', id)
      }
      return (await withRoles(ctx.db, [row]))[0] as Trust
    },

    async list(filter = {}) {
      let query = live(ctx.db)
      if (filter.trustorUserId !== undefined) {
        query = query.where('trustor_user_id', '=', filter.trustorUserId)
      }
      if (filter.trusteeUserId !== undefined) {
        query = query.where('trustee_user_id', '=', filter.trusteeUserId)
      }
      if (filter.redelegatedTrustId !== undefined) {
        query = query.where('redelegated_trust_id', '=', filter.redelegatedTrustId)
      }
      return withRoles(ctx.db, await query.orderBy('id').execute())
    },

    async softDelete(id) {
      const result = await ctx.db
        .updateTable('trust')
        .set({ deleted_at: nowMicros(ctx.clock) })
        .where('id', '=', id)
        .executeTakeFirst()
      if (Number(result.numUpdatedRows) === 0) throw notFound(TrustNotFound, 'trust', id)
    },

    softDeleteForUser: (userId) => softDeleteWhere('trustor_user_id', userId, true),
    softDeleteForProject: (projectId) => softDeleteWhere('project_id', projectId, false),

    async consumeUse(id) {
      // One atomic decrement replaces Keystone's optimistic-lock retry loop.
      const result = await ctx.db
        .updateTable('trust')
        .set((eb) => ({ remaining_uses: eb('remaining_uses', '-', 1) }))
        .where('id', '=', id)
        .where('deleted_at', 'is', null)
        .where('remaining_uses', '>', 0)
        .executeTakeFirst()
      if (Number(result.numUpdatedRows) === 1) return
      const row = await live(ctx.db).where('id', '=', id).executeTakeFirst()
      if (row === undefined) throw notFound(TrustNotFound, 'trust', id)
      if (row.remaining_uses === null) return
      throw new TrustUseLimitReached(`No remaining uses for trust: ${id}.`)
    },

    async flush(filter) {
      return inTransaction(ctx, async (trx) => {
        let query = trx
          .selectFrom('trust')
          .select('id')
          .where((eb) =>
            eb.or([
              eb('deleted_at', 'is not', null),
              eb.and([eb('expires_at', 'is not', null), eb('expires_at', '<', filter.before)]),
            ]),
          )
        if (filter.projectId) query = query.where('project_id', '=', filter.projectId)
        if (filter.trustorUserId) query = query.where('trustor_user_id', '=', filter.trustorUserId)
        if (filter.trusteeUserId) query = query.where('trustee_user_id', '=', filter.trusteeUserId)
        const ids = (await query.execute()).map((r) => r.id)
        // Keystone leaves the trust_role rows behind; nothing reads them once the trust is gone.
        for (let i = 0; i < ids.length; i += 500) {
          const chunk = ids.slice(i, i + 500)
          await trx.deleteFrom('trust_role').where('trust_id', 'in', chunk).execute()
          await trx.deleteFrom('trust').where('id', 'in', chunk).execute()
        }
        return ids.length
      })
    },
  }
}
