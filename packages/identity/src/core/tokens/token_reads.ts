/**
 * What the token service reads, as one port: the decode -> mint half of validation with its
 * revocation verdict, the mint of a freshly issued token, the catalog, and the store view scope
 * resolution reads. `directTokenReads` goes to the store every time; the server composes the
 * generation-checked cache (cache/cached_token_reads.ts) in its place. The service cannot tell.
 * @module
 */
import type { Store } from '../../store/index.ts'
import { type CatalogService, renderCatalog } from './catalog.ts'
import { type CatalogSettings, filterCatalogForProject } from './catalog_filter.ts'
import { DEFAULT_TRUST_MINT, type TrustMintSettings } from './mint_trust.ts'
import { isRevoked } from './revocation_check.ts'
import type { MintFields, TokenModel } from './token_model.ts'
import { decode, mint, type TokenDecoder } from './validation_steps.ts'

export interface ResolvedToken {
  readonly model: TokenModel
  /** The revocation verdict, asked only after the expiry step (Keystone's order). */
  isRevoked(): Promise<boolean>
}

export interface TokenReads {
  /** decode -> mint, and the way to the revocation verdict. */
  resolve(token: string): Promise<ResolvedToken>
  /** Mint a token just created from what it decodes to (`token` is the key a cache keeps it by). */
  mintIssued(token: string, fields: MintFields): Promise<TokenModel>
  /** keystone `get_v3_catalog(user_id, project_id)`. */
  catalog(userId: string, projectId: string | null): Promise<CatalogService[]>
  /** The store scope resolution reads (never for login bookkeeping). */
  view(): Promise<Store>
}

export function directTokenReads(
  store: Store,
  decoder: TokenDecoder,
  substitutions: CatalogSettings,
  trust: TrustMintSettings = DEFAULT_TRUST_MINT,
): TokenReads {
  return {
    async resolve(token) {
      const model = await mint(store, decode(decoder, token), trust)
      return { model, isRevoked: () => isRevoked(store.revocation, model) }
    },
    mintIssued: (_token, fields) => mint(store, fields, trust),
    async catalog(userId, projectId) {
      const entries = await store.catalog.listCatalog()
      const catalog = renderCatalog(entries, userId, projectId, substitutions)
      return filterCatalogForProject(store, catalog, projectId, substitutions)
    },
    view: async () => store,
  }
}
