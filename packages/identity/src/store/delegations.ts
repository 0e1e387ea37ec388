/**
 * Baton's job-bound delegations (migration 0017): the rows behind delegation tokens. A row is
 * written once when its token is issued and afterwards only marked revoked, with every row
 * narrowed from it (its descendants), in one transaction; rows are never deleted by the API, so
 * a revoked ancestor keeps ending its descendants' tokens until `flushExpired` removes rows past
 * their deadline (a token past its deadline no longer validates anyway) or `flushRevoked` removes
 * revoked subtrees (`baton delegation flush`; a token whose row is gone does not validate).
 * @module
 */
import type { Kysely, Selectable } from 'kysely'
import { DelegationNotFound } from '../errors.ts'
import { asBool } from './codecs.ts'
import { inTransaction, type StoreContext } from './context.ts'
import type { Schema } from './schema.ts'
import type { DelegationTable } from './schema_baton.ts'
import { notFound } from './store_errors.ts'
import { type Micros, nowMicros } from './timestamps.ts'

/** One hop of the chain: the service user that obtained (first) or narrowed the delegation. */
export interface DelegationActor {
  readonly userId: string
  readonly userName: string
  /** The project of the actor's service token (null for a domain- or system-scoped one). */
  readonly projectId: string | null
  readonly issuedAt: Micros
}

export interface NewDelegation {
  readonly id: string
  readonly userId: string
  readonly projectId: string
  readonly parentId: string | null
  readonly auditId: string
  readonly rootAuditId: string
  readonly rootAuditChainId: string
  readonly rootIssuedAt: Micros
  readonly rootExpiresAt: Micros
  readonly methods: readonly string[]
  readonly operation: string
  readonly audience: readonly string[]
  readonly roleIds: readonly string[]
  readonly actors: readonly DelegationActor[]
  readonly createdAt: Micros
  readonly expiresAt: Micros
}

export interface Delegation extends NewDelegation {
  readonly revoked: boolean
  readonly revokedAt: Micros | null
}

export interface DelegationRepository {
  create(input: NewDelegation): Promise<Delegation>
  /** @throws DelegationNotFound */
  get(id: string): Promise<Delegation>
  /** The delegation and its ancestors, itself first. @throws DelegationNotFound */
  listLineage(id: string): Promise<Delegation[]>
  /** The user's delegations, revoked ones included, oldest first. */
  listForUser(userId: string): Promise<Delegation[]>
  /**
   * Marks the delegation and every delegation narrowed from it revoked; returns the rows this
   * call revoked (already revoked ones are left as they were). @throws DelegationNotFound
   */
  revoke(id: string): Promise<Delegation[]>
  /** Revokes every delegation made from the user token with this audit id (and descendants). */
  revokeForRoot(rootAuditId: string): Promise<Delegation[]>
  /** Removes a row whose token could not be issued (nothing else refers to it yet). */
  remove(id: string): Promise<void>
  /** Deletes rows whose deadline passed before `before`; returns how many. */
  flushExpired(before: Micros): Promise<number>
  /**
   * Deletes revoked rows revoked before `before`; returns how many. A revocation marks a whole
   * subtree at once and a revoked row cannot be narrowed, so no live row is left under one.
   */
  flushRevoked(before: Micros): Promise<number>
}

type Row = Selectable<DelegationTable>

function strings(text: string): string[] {
  const parsed: unknown = JSON.parse(text)
  return Array.isArray(parsed) ? parsed.filter((v): v is string => typeof v === 'string') : []
}

function actorsOf(text: string): DelegationActor[] {
  const parsed: unknown = JSON.parse(text)
  if (!Array.isArray(parsed)) return []
  return parsed.flatMap((a: unknown) => {
    if (typeof a !== 'object' || a === null) return []
    const r = a as Record<string, unknown>
    if (typeof r.user_id !== 'string' || typeof r.issued_at !== 'number') return []
    return [
      {
        userId: r.user_id,
        userName: typeof r.user_name === 'string' ? r.user_name : '',
        projectId: typeof r.project_id === 'string' ? r.project_id : null,
        issuedAt: r.issued_at,
      },
    ]
  })
}

function toDelegation(row: Row): Delegation {
  return {
    id: row.id,
    userId: row.user_id,
    projectId: row.project_id,
    parentId: row.parent_id,
    auditId: row.audit_id,
    rootAuditId: row.root_audit_id,
    rootAuditChainId: row.root_audit_chain_id,
    rootIssuedAt: Number(row.root_issued_at),
    rootExpiresAt: Number(row.root_expires_at),
    methods: strings(row.methods),
    operation: row.operation,
    audience: strings(row.audience),
    roleIds: strings(row.role_ids),
    actors: actorsOf(row.actors),
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    revoked: asBool(row.revoked),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
  }
}

async function getRow(db: Kysely<Schema>, id: string): Promise<Row> {
  const row = await db
    .selectFrom('baton_delegation')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst()
  if (row === undefined) throw notFound(DelegationNotFound, 'delegation', id)
  return row
}

export function createDelegationRepository(ctx: StoreContext): DelegationRepository {
  /** Marks `roots` and their descendants revoked; returns the rows newly revoked. */
  const revokeTrees = async (trx: Kysely<Schema>, roots: readonly string[]) => {
    const stamp = nowMicros(ctx.clock)
    const seen = new Set<string>(roots)
    let frontier = [...roots]
    while (frontier.length > 0) {
      const children = await trx
        .selectFrom('baton_delegation')
        .select('id')
        .where('parent_id', 'in', frontier)
        .execute()
      frontier = children.map((c) => c.id).filter((id) => !seen.has(id))
      for (const id of frontier) seen.add(id)
    }
    const ids = [...seen]
    if (ids.length === 0) return []
    const fresh = await trx
      .selectFrom('baton_delegation')
      .selectAll()
      .where('id', 'in', ids)
      .where('revoked', '=', false)
      .orderBy('created_at')
      .orderBy('id')
      .execute()
    if (fresh.length === 0) return []
    await trx
      .updateTable('baton_delegation')
      .set({ revoked: true, revoked_at: stamp })
      .where(
        'id',
        'in',
        fresh.map((r) => r.id),
      )
      .execute()
    return fresh.map((row) => ({ ...toDelegation(row), revoked: true, revokedAt: stamp }))
  }

  return {
    async create(input) {
      await ctx.db
        .insertInto('baton_delegation')
        .values({
          id: input.id,
          user_id: input.userId,
          project_id: input.projectId,
          parent_id: input.parentId,
          audit_id: input.auditId,
          root_audit_id: input.rootAuditId,
          root_audit_chain_id: input.rootAuditChainId,
          root_issued_at: input.rootIssuedAt,
          root_expires_at: input.rootExpiresAt,
          methods: JSON.stringify(input.methods),
          operation: input.operation,
          audience: JSON.stringify(input.audience),
          role_ids: JSON.stringify(input.roleIds),
          actors: JSON.stringify(
            input.actors.map((a) => ({
              user_id: a.userId,
              user_name: a.userName,
              project_id: a.projectId,
              issued_at: a.issuedAt,
            })),
          ),
          created_at: input.createdAt,
          expires_at: input.expiresAt,
          revoked: false,
          revoked_at: null,
        })
        .execute()
      return toDelegation(await getRow(ctx.db, input.id))
    },

    get: async (id) => toDelegation(await getRow(ctx.db, id)),

    async listLineage(id) {
      const out: Delegation[] = []
      const seen = new Set<string>()
      let next: string | null = id
      while (next !== null && !seen.has(next)) {
        seen.add(next)
        const found: Delegation = toDelegation(await getRow(ctx.db, next))
        out.push(found)
        next = found.parentId
      }
      return out
    },

    async listForUser(userId) {
      const rows = await ctx.db
        .selectFrom('baton_delegation')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('created_at')
        .orderBy('id')
        .execute()
      return rows.map(toDelegation)
    },

    revoke: (id) =>
      inTransaction(ctx, async (trx) => {
        await getRow(trx, id)
        return revokeTrees(trx, [id])
      }),

    revokeForRoot: (rootAuditId) =>
      inTransaction(ctx, async (trx) => {
        const roots = await trx
          .selectFrom('baton_delegation')
          .select('id')
          .where('root_audit_id', '=', rootAuditId)
          .execute()
        return revokeTrees(
          trx,
          roots.map((r) => r.id),
        )
      }),

    async remove(id) {
      await ctx.db.deleteFrom('baton_delegation').where('id', '=', id).execute()
    },

    async flushExpired(before) {
      const result = await ctx.db
        .deleteFrom('baton_delegation')
        .where('expires_at', '<', before)
        .executeTakeFirst()
      return Number(result.numDeletedRows)
    },

    async flushRevoked(before) {
      const result = await ctx.db
        .deleteFrom('baton_delegation')
        .where('revoked', '=', true)
        .where('revoked_at', '<', before)
        .executeTakeFirst()
      return Number(result.numDeletedRows)
    },
  }
}
