/**
 * OS-OAUTH1 consumers: the repository interface and its SQL implementation
 * (keystone/oauth1/backends/sql.py). Reads return the secret; the API decides when to show it
 * (only in the create response, as Keystone's `filter_consumer` does everywhere else).
 * @module
 */
import type { Selectable } from 'kysely'
import { NotFound } from '../errors.ts'
import { decodeJson, encodeJson, type JsonObject } from './codecs.ts'
import type { StoreContext } from './context.ts'
import type { ConsumerTable } from './schema.ts'
import { duplicateId, rethrowConflict } from './store_errors.ts'

export interface Consumer {
  readonly id: string
  readonly description: string | null
  readonly secret: string
  readonly extra: JsonObject
}

export type ConsumerPatch = Partial<Pick<Consumer, 'description' | 'extra'>>

export interface ConsumerRepository {
  /** @throws Conflict (ID taken) */
  create(input: Consumer): Promise<Consumer>
  /** @throws NotFound "Consumer not found" */
  get(id: string): Promise<Consumer>
  list(): Promise<Consumer[]>
  /** @throws NotFound */
  update(id: string, patch: ConsumerPatch): Promise<Consumer>
  /** @throws NotFound */
  delete(id: string): Promise<void>
}

/** keystone/oauth1/backends/sql.py `_get_consumer`: a bare NotFound, not "Could not find ...". */
function consumerNotFound(): NotFound {
  return new NotFound('Consumer not found')
}

function toConsumer(row: Selectable<ConsumerTable>): Consumer {
  return {
    id: row.id,
    description: row.description,
    secret: row.secret,
    extra: decodeJson(row.extra),
  }
}

export function createConsumerRepository(ctx: StoreContext): ConsumerRepository {
  async function get(id: string) {
    const row = await ctx.db
      .selectFrom('consumer')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    if (!row) throw consumerNotFound()
    return toConsumer(row)
  }
  return {
    async create(input) {
      try {
        await ctx.db
          .insertInto('consumer')
          .values({
            id: input.id,
            description: input.description,
            secret: input.secret,
            extra: encodeJson(input.extra),
          })
          .execute()
      } catch (error) {
        rethrowConflict(error, 'consumer', input.id, () => duplicateId('consumer', input.id))
      }
      return get(input.id)
    },
    get,
    async list() {
      const rows = await ctx.db.selectFrom('consumer').selectAll().orderBy('id').execute()
      return rows.map(toConsumer)
    },
    async update(id, patch) {
      await get(id)
      const set: Partial<ConsumerTable> = {}
      if (patch.description !== undefined) set.description = patch.description
      if (patch.extra !== undefined) set.extra = encodeJson(patch.extra)
      if (Object.keys(set).length > 0) {
        await ctx.db.updateTable('consumer').set(set).where('id', '=', id).execute()
      }
      return get(id)
    },
    /** keystone `delete_consumer`: its request and access tokens go with it. */
    async delete(id) {
      await ctx.db.deleteFrom('request_token').where('consumer_id', '=', id).execute()
      // only when there are some: PostgreSQL's statement trigger would move the cache
      // generation for a delete of no rows
      const tokens = await ctx.db
        .selectFrom('access_token')
        .select('id')
        .where('consumer_id', '=', id)
        .execute()
      if (tokens.length > 0) {
        await ctx.db.deleteFrom('access_token').where('consumer_id', '=', id).execute()
      }
      const result = await ctx.db.deleteFrom('consumer').where('id', '=', id).executeTakeFirst()
      if (Number(result.numDeletedRows) === 0) throw consumerNotFound()
    },
  }
}
