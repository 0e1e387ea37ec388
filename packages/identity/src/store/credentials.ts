/**
 * Credentials (keystone/credential/backends/sql.py): rows hold the blob only encrypted, with the
 * hash of the key that encrypted it; the store never sees plaintext. Attributes beyond Keystone's
 * columns are kept in `extra`, as `ModelDictMixinWithExtras` does.
 * @module
 */
import type { Selectable } from 'kysely'
import { CredentialNotFound, ProjectNotFound, UserNotFound } from '../errors.ts'
import { decodeJson, encodeJson, type JsonObject } from './codecs.ts'
import type { StoreContext } from './context.ts'
import type { CredentialTable } from './schema.ts'
import { duplicateId, notFound, rethrowConflict } from './store_errors.ts'

export interface StoredCredential {
  readonly id: string
  readonly userId: string
  readonly projectId: string | null
  readonly type: string
  /** A Fernet token as text: the blob, encrypted with the credential key repository. */
  readonly encryptedBlob: string
  /** SHA-1 (hex) of the key that encrypted the blob. */
  readonly keyHash: string
  readonly extra: JsonObject
}

export interface CredentialFilter {
  readonly userId?: string
  readonly type?: string
  readonly projectId?: string
}

export interface CredentialRepository {
  /** @throws Conflict (the ID is taken), UserNotFound, ProjectNotFound */
  create(credential: StoredCredential): Promise<StoredCredential>
  /** @throws CredentialNotFound */
  get(id: string): Promise<StoredCredential>
  /** Ordered by ID. */
  list(filter?: CredentialFilter): Promise<StoredCredential[]>
  count(userId: string): Promise<number>
  /** Replaces the encrypted blob. @throws CredentialNotFound */
  updateBlob(id: string, encryptedBlob: string, keyHash: string): Promise<StoredCredential>
  /** @throws CredentialNotFound */
  delete(id: string): Promise<void>
}

function fromRow(row: Selectable<CredentialTable>): StoredCredential {
  return {
    id: row.id,
    userId: row.user_id,
    projectId: row.project_id,
    type: row.type,
    encryptedBlob: row.encrypted_blob,
    keyHash: row.key_hash,
    extra: decodeJson(row.extra),
  }
}

export function createCredentialRepository(ctx: StoreContext): CredentialRepository {
  const get = async (id: string) => {
    const row = await ctx.db
      .selectFrom('credential')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    if (!row) throw notFound(CredentialNotFound, 'credential', id)
    return fromRow(row)
  }
  return {
    async create(credential) {
      // looked up first: on PostgreSQL a failed constraint aborts the caller's transaction
      const user = await ctx.db
        .selectFrom('user')
        .select('id')
        .where('id', '=', credential.userId)
        .executeTakeFirst()
      if (!user) throw notFound(UserNotFound, 'user', credential.userId)
      if (credential.projectId !== null) {
        const project = await ctx.db
          .selectFrom('project')
          .select('id')
          .where('id', '=', credential.projectId)
          .executeTakeFirst()
        if (!project) throw notFound(ProjectNotFound, 'project', credential.projectId)
      }
      try {
        await ctx.db
          .insertInto('credential')
          .values({
            id: credential.id,
            user_id: credential.userId,
            project_id: credential.projectId,
            type: credential.type,
            encrypted_blob: credential.encryptedBlob,
            key_hash: credential.keyHash,
            extra: encodeJson(credential.extra),
          })
          .execute()
      } catch (error) {
        rethrowConflict(error, 'credential', credential.id, () =>
          duplicateId('credential', credential.id),
        )
      }
      return get(credential.id)
    },
    get,
    async list(filter = {}) {
      let query = ctx.db.selectFrom('credential').selectAll()
      if (filter.userId !== undefined) query = query.where('user_id', '=', filter.userId)
      if (filter.type !== undefined) query = query.where('type', '=', filter.type)
      if (filter.projectId !== undefined) query = query.where('project_id', '=', filter.projectId)
      return (await query.orderBy('id').execute()).map(fromRow)
    },
    async count(userId) {
      const row = await ctx.db
        .selectFrom('credential')
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .where('user_id', '=', userId)
        .executeTakeFirstOrThrow()
      return Number(row.n)
    },
    async updateBlob(id, encryptedBlob, keyHash) {
      const result = await ctx.db
        .updateTable('credential')
        .set({ encrypted_blob: encryptedBlob, key_hash: keyHash })
        .where('id', '=', id)
        .executeTakeFirst()
      if (Number(result.numUpdatedRows) === 0) throw notFound(CredentialNotFound, 'credential', id)
      return get(id)
    },
    async delete(id) {
      const result = await ctx.db.deleteFrom('credential').where('id', '=', id).executeTakeFirst()
      if (Number(result.numDeletedRows) === 0) throw notFound(CredentialNotFound, 'credential', id)
    },
  }
}
