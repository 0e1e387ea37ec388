/**
 * OS-POLICY blobs: the repository interface and its SQL implementation
 * (keystone/policy/backends/sql.py). The blob is stored JSON-encoded, as Keystone's JsonBlob.
 * @module
 */
import type { Selectable } from 'kysely'
import { PolicyNotFound } from '../errors.ts'
import { decodeJson, encodeJson, type JsonObject, type JsonValue } from './codecs.ts'
import type { StoreContext } from './context.ts'
import type { PolicyTable } from './schema.ts'
import { duplicateId, notFound, rethrowConflict } from './store_errors.ts'

export interface PolicyBlob {
  readonly id: string
  readonly blob: JsonValue
  readonly type: string
  readonly extra: JsonObject
}

export type PolicyBlobPatch = Partial<Omit<PolicyBlob, 'id'>>

export interface PolicyRepository {
  /** @throws Conflict (ID taken) */
  create(input: PolicyBlob): Promise<PolicyBlob>
  /** @throws PolicyNotFound */
  get(id: string): Promise<PolicyBlob>
  list(): Promise<PolicyBlob[]>
  /** @throws PolicyNotFound */
  update(id: string, patch: PolicyBlobPatch): Promise<PolicyBlob>
  /** @throws PolicyNotFound */
  delete(id: string): Promise<void>
}

function toPolicy(row: Selectable<PolicyTable>): PolicyBlob {
  return {
    id: row.id,
    blob: JSON.parse(row.blob) as JsonValue,
    type: row.type,
    extra: decodeJson(row.extra),
  }
}

export function createPolicyRepository(ctx: StoreContext): PolicyRepository {
  async function get(id: string) {
    const row = await ctx.db
      .selectFrom('policy')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    if (!row) throw notFound(PolicyNotFound, 'policy', id)
    return toPolicy(row)
  }
  return {
    async create(input) {
      try {
        await ctx.db
          .insertInto('policy')
          .values({
            id: input.id,
            blob: JSON.stringify(input.blob),
            type: input.type,
            extra: encodeJson(input.extra),
          })
          .execute()
      } catch (error) {
        rethrowConflict(error, 'policy', input.id, () => duplicateId('policy', input.id))
      }
      return get(input.id)
    },
    get,
    async list() {
      const rows = await ctx.db.selectFrom('policy').selectAll().orderBy('id').execute()
      return rows.map(toPolicy)
    },
    async update(id, patch) {
      await get(id)
      const set: Partial<PolicyTable> = {}
      if (patch.blob !== undefined) set.blob = JSON.stringify(patch.blob)
      if (patch.type !== undefined) set.type = patch.type
      if (patch.extra !== undefined) set.extra = encodeJson(patch.extra)
      if (Object.keys(set).length > 0) {
        await ctx.db.updateTable('policy').set(set).where('id', '=', id).execute()
      }
      return get(id)
    },
    async delete(id) {
      const result = await ctx.db.deleteFrom('policy').where('id', '=', id).executeTakeFirst()
      if (Number(result.numDeletedRows) === 0) throw notFound(PolicyNotFound, 'policy', id)
    },
  }
}
