/**
 * Revocation events (keystone/revoke): recording with Keystone's constructor defaults, the SQL
 * pre-filter that picks the events which may revoke a given token (`_list_token_events`), the
 * `?since=` listing, and pruning. The in-memory `matches` step is the token layer's.
 * @module
 */
import type { Selectable } from 'kysely'
import type { StoreContext } from './context.ts'
import type { RevocationEventTable } from './schema.ts'
import { type Micros, nowMicros, truncateToSecond } from './timestamps.ts'

export interface RevocationEvent {
  readonly id: number
  /** null when the event targets one domain-scoped token (then see domainScopeId). */
  readonly domainId: string | null
  /** Keystone's virtual field: set when the event has both a domain and expires_at. */
  readonly domainScopeId: string | null
  readonly projectId: string | null
  readonly userId: string | null
  readonly roleId: string | null
  readonly trustId: string | null
  readonly consumerId: string | null
  readonly accessTokenId: string | null
  readonly auditId: string | null
  readonly auditChainId: string | null
  readonly expiresAt: Micros | null
  readonly issuedBefore: Micros
  readonly revokedAt: Micros
}

export interface NewRevocationEvent {
  readonly domainId?: string | null
  readonly projectId?: string | null
  readonly userId?: string | null
  readonly roleId?: string | null
  readonly trustId?: string | null
  readonly consumerId?: string | null
  readonly accessTokenId?: string | null
  readonly auditId?: string | null
  readonly auditChainId?: string | null
  readonly expiresAt?: Micros | null
  /** Defaults to revokedAt. */
  readonly issuedBefore?: Micros
  /** Defaults to now (clock). */
  readonly revokedAt?: Micros
}

/** The token fields the SQL pre-filter looks at (keystone build_token_values). */
export interface TokenRevocationValues {
  /** From the Fernet timestamp. */
  readonly issuedAt: Micros
  readonly userId?: string | null
  readonly trustorId?: string | null
  readonly trusteeId?: string | null
  readonly projectId?: string | null
  readonly auditId?: string | null
  readonly trustId?: string | null
}

export interface RevocationRepository {
  record(event: NewRevocationEvent): Promise<RevocationEvent>
  /** Events that may revoke the token; the caller still runs Keystone's `matches` on each. */
  listEventsFor(token: TokenRevocationValues): Promise<RevocationEvent[]>
  /** `GET /v3/OS-REVOKE/events?since=`: events revoked after `since`, oldest first. */
  listSince(since?: Micros): Promise<RevocationEvent[]>
  /** Deletes events revoked before `olderThan`; returns how many. */
  prune(olderThan: Micros): Promise<number>
  /** Events whose row id is above `afterId`, by id: what the revocation feed has not read yet. */
  listAfterId(afterId: number): Promise<RevocationEvent[]>
  /** The highest row id of an event revoked before `before` (0 when none): the feed's first floor. */
  findLastIdBefore(before: Micros): Promise<number>
}

function toEvent(row: Selectable<RevocationEventTable>): RevocationEvent {
  // keystone RevokeEvent.__init__: domain + expires_at means "this one domain-scoped token".
  const scoped = row.domain_id !== null && row.expires_at !== null
  return {
    id: row.id,
    domainId: scoped ? null : row.domain_id,
    domainScopeId: scoped ? row.domain_id : null,
    projectId: row.project_id,
    userId: row.user_id,
    roleId: row.role_id,
    trustId: row.trust_id,
    consumerId: row.consumer_id,
    accessTokenId: row.access_token_id,
    auditId: row.audit_id,
    auditChainId: row.audit_chain_id,
    expiresAt: row.expires_at,
    issuedBefore: row.issued_before,
    revokedAt: row.revoked_at,
  }
}

export function createRevocationRepository(ctx: StoreContext): RevocationRepository {
  return {
    async record(event) {
      // Keystone: revoked_at defaults to now truncated to the second, issued_before to
      // revoked_at, expires_at loses its microseconds. issued_before is kept to the second as
      // well, so the pre-filter's comparison is at second resolution on both dialects.
      const revokedAt = truncateToSecond(event.revokedAt ?? nowMicros(ctx.clock))
      const issuedBefore = truncateToSecond(event.issuedBefore ?? revokedAt)
      const expiresAt = event.expiresAt == null ? null : truncateToSecond(event.expiresAt)
      const insert = ctx.db.insertInto('revocation_event').values({
        domain_id: event.domainId ?? null,
        project_id: event.projectId ?? null,
        user_id: event.userId ?? null,
        role_id: event.roleId ?? null,
        trust_id: event.trustId ?? null,
        consumer_id: event.consumerId ?? null,
        access_token_id: event.accessTokenId ?? null,
        audit_id: event.auditId ?? null,
        audit_chain_id: event.auditChainId ?? null,
        expires_at: expiresAt,
        issued_before: issuedBefore,
        revoked_at: revokedAt,
      })
      if (ctx.dialect !== 'mysql')
        return toEvent(await insert.returningAll().executeTakeFirstOrThrow())
      // MySQL has no RETURNING: read the row back by the id the insert was given.
      const { insertId } = await insert.executeTakeFirstOrThrow()
      const row = await ctx.db
        .selectFrom('revocation_event')
        .selectAll()
        .where('id', '=', Number(insertId))
        .executeTakeFirstOrThrow()
      return toEvent(row)
    },

    async listEventsFor(token) {
      const users = [token.userId, token.trustorId, token.trusteeId].filter(
        (id): id is string => typeof id === 'string' && id !== '',
      )
      // Every condition must hold; each is "the event leaves it open (NULL) or names the token's".
      const open = [
        ['project_id', token.projectId],
        ['audit_id', token.auditId],
        ['trust_id', token.trustId],
      ] as const
      const rows = await ctx.db
        .selectFrom('revocation_event')
        .selectAll()
        .where('issued_before', '>=', truncateToSecond(token.issuedAt))
        .where((eb) =>
          eb.and([
            users.length > 0
              ? eb.or([eb('user_id', 'is', null), eb('user_id', 'in', users)])
              : eb('user_id', 'is', null),
            ...open.map(([column, value]) =>
              value
                ? eb.or([eb(column, 'is', null), eb(column, '=', value)])
                : eb(column, 'is', null),
            ),
          ]),
        )
        .orderBy('id')
        .execute()
      return rows.map(toEvent)
    },

    async listSince(since) {
      let query = ctx.db.selectFrom('revocation_event').selectAll()
      if (since !== undefined) query = query.where('revoked_at', '>', since)
      return (await query.orderBy('revoked_at').orderBy('id').execute()).map(toEvent)
    },

    async listAfterId(afterId) {
      const rows = await ctx.db
        .selectFrom('revocation_event')
        .selectAll()
        .where('id', '>', afterId)
        .orderBy('id')
        .execute()
      return rows.map(toEvent)
    },

    async findLastIdBefore(before) {
      const row = await ctx.db
        .selectFrom('revocation_event')
        .select((eb) => eb.fn.max('id').as('id'))
        .where('revoked_at', '<', before)
        .executeTakeFirst()
      return row?.id == null ? 0 : Number(row.id)
    },

    async prune(olderThan) {
      const result = await ctx.db
        .deleteFrom('revocation_event')
        .where('revoked_at', '<', olderThan)
        .executeTakeFirst()
      return Number(result.numDeletedRows)
    },
  }
}
