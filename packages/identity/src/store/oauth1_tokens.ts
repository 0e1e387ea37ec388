/**
 * OS-OAUTH1 request and access tokens: the repository interface and its SQL implementation
 * (keystone/oauth1/backends/sql.py). Rows keep Keystone's encodings: secrets in the clear,
 * `role_ids` as Python's `json.dumps` of a list, `expires_at` as Keystone's ISO string. Reads
 * return the secrets; the API never renders them. Exchanging a request token for an access token
 * deletes the request token in the same statement batch, so it is used once.
 * @module
 */
import type { Selectable } from 'kysely'
import { NotFound, Unauthorized } from '../errors.ts'
import type { StoreContext } from './context.ts'
import type { AccessTokenTable, RequestTokenTable } from './schema.ts'

export interface RequestToken {
  readonly id: string
  readonly requestSecret: string
  readonly verifier: string | null
  readonly authorizingUserId: string | null
  readonly requestedProjectId: string
  /** Null until authorized. */
  readonly roleIds: readonly string[] | null
  readonly consumerId: string
  /** Keystone's ISO string (microseconds, `Z`), null: never expires. */
  readonly expiresAt: string | null
}

export interface AccessToken {
  readonly id: string
  readonly accessSecret: string
  readonly authorizingUserId: string
  readonly projectId: string
  readonly roleIds: readonly string[]
  readonly consumerId: string
  readonly expiresAt: string | null
}

export type NewRequestToken = Pick<
  RequestToken,
  'id' | 'requestSecret' | 'requestedProjectId' | 'consumerId' | 'expiresAt'
>

export interface NewAccessToken {
  readonly id: string
  readonly accessSecret: string
  readonly expiresAt: string | null
}

export interface OAuthTokenRepository {
  createRequestToken(input: NewRequestToken): Promise<RequestToken>
  /** @throws NotFound "Request token not found" */
  getRequestToken(id: string): Promise<RequestToken>
  /** Records the authorizing user, the verifier and the roles. @throws NotFound */
  authorizeRequestToken(
    id: string,
    authorization: { userId: string; verifier: string; roleIds: readonly string[] },
  ): Promise<RequestToken>
  /** The request token's grant becomes an access token; the request token is deleted. */
  createAccessToken(requestTokenId: string, input: NewAccessToken): Promise<AccessToken>
  /** @throws NotFound "Access token not found" */
  getAccessToken(id: string): Promise<AccessToken>
  listAccessTokens(userId: string): Promise<AccessToken[]>
  /** @throws NotFound; Unauthorized "User IDs do not match" for another user's token */
  deleteAccessToken(userId: string, id: string): Promise<void>
}

/** Python's `json.dumps(list_of_str)`: `["a", "b"]` (ids are hex, nothing to escape further). */
export function pythonJsonList(ids: readonly string[]): string {
  return `[${ids.map((id) => JSON.stringify(id)).join(', ')}]`
}

function parseIds(text: string): string[] {
  const parsed: unknown = JSON.parse(text)
  return Array.isArray(parsed) ? parsed.map(String) : []
}

function toRequestToken(row: Selectable<RequestTokenTable>): RequestToken {
  return {
    id: row.id,
    requestSecret: row.request_secret,
    verifier: row.verifier,
    authorizingUserId: row.authorizing_user_id,
    requestedProjectId: row.requested_project_id,
    roleIds: row.role_ids === null ? null : parseIds(row.role_ids),
    consumerId: row.consumer_id,
    expiresAt: row.expires_at,
  }
}

function toAccessToken(row: Selectable<AccessTokenTable>): AccessToken {
  return {
    id: row.id,
    accessSecret: row.access_secret,
    authorizingUserId: row.authorizing_user_id,
    projectId: row.project_id,
    roleIds: parseIds(row.role_ids),
    consumerId: row.consumer_id,
    expiresAt: row.expires_at,
  }
}

export function createOAuthTokenRepository(ctx: StoreContext): OAuthTokenRepository {
  async function getRequestToken(id: string): Promise<RequestToken> {
    const row = await ctx.db
      .selectFrom('request_token')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    if (!row) throw new NotFound('Request token not found')
    return toRequestToken(row)
  }
  async function getAccessToken(id: string): Promise<AccessToken> {
    const row = await ctx.db
      .selectFrom('access_token')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    if (!row) throw new NotFound('Access token not found')
    return toAccessToken(row)
  }
  return {
    async createRequestToken(input) {
      await ctx.db
        .insertInto('request_token')
        .values({
          id: input.id,
          request_secret: input.requestSecret,
          verifier: null,
          authorizing_user_id: null,
          requested_project_id: input.requestedProjectId,
          role_ids: null,
          consumer_id: input.consumerId,
          expires_at: input.expiresAt,
        })
        .execute()
      return getRequestToken(input.id)
    },
    getRequestToken,
    async authorizeRequestToken(id, authorization) {
      await getRequestToken(id)
      await ctx.db
        .updateTable('request_token')
        .set({
          authorizing_user_id: authorization.userId,
          verifier: authorization.verifier,
          role_ids: pythonJsonList(authorization.roleIds),
        })
        .where('id', '=', id)
        .execute()
      return getRequestToken(id)
    },
    async createAccessToken(requestTokenId, input) {
      const request = await getRequestToken(requestTokenId)
      if (request.authorizingUserId === null || request.roleIds === null) {
        throw new Unauthorized(undefined, {
          cause: new Error('Request Token does not have an authorizing user id.'),
        })
      }
      await ctx.db
        .insertInto('access_token')
        .values({
          id: input.id,
          access_secret: input.accessSecret,
          authorizing_user_id: request.authorizingUserId,
          project_id: request.requestedProjectId,
          role_ids: pythonJsonList(request.roleIds),
          consumer_id: request.consumerId,
          expires_at: input.expiresAt,
        })
        .execute()
      await ctx.db.deleteFrom('request_token').where('id', '=', requestTokenId).execute()
      return getAccessToken(input.id)
    },
    getAccessToken,
    async listAccessTokens(userId) {
      const rows = await ctx.db
        .selectFrom('access_token')
        .selectAll()
        .where('authorizing_user_id', '=', userId)
        .orderBy('id')
        .execute()
      return rows.map(toAccessToken)
    },
    async deleteAccessToken(userId, id) {
      const token = await getAccessToken(id)
      if (token.authorizingUserId !== userId)
        throw new Unauthorized(undefined, { cause: new Error('User IDs do not match') })
      await ctx.db.deleteFrom('access_token').where('id', '=', id).execute()
    },
  }
}
