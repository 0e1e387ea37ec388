/**
 * `TokenReads` through a `ValidationCache`: the decorator the server composes around the token
 * service's reads (server/compose_tokens.ts). Every read happens at one cache generation read
 * first, so what is computed after it is at least as new as it:
 * - a resolved token (decode + mint + revocation verdict) is kept by key set and a SHA-256 of the
 *   token: a hit skips the decryption too (under the same keys, the same token decrypts the same),
 *   and a rotation that purges the signing key makes the next validation miss, and fail;
 * - minting and scope resolution read users, projects, domains and role expansions from memory;
 * - the revocation verdict is checked against the generation's whole event list, where
 *   `eventMatches` alone decides (it re-checks every condition of the SQL pre-filter);
 * - the catalog, raw and rendered per user and project.
 * Round-trips for a cached project-scoped validation: at most one, the generation (on SQLite
 * shared within an event-loop turn).
 * @module
 */

import { hash } from 'node:crypto'
import { renderCatalog } from '../core/tokens/catalog.ts'
import { type CatalogSettings, filterCatalogForProject } from '../core/tokens/catalog_filter.ts'
import { DEFAULT_TRUST_MINT, type TrustMintSettings } from '../core/tokens/mint_trust.ts'
import {
  eventMatches,
  revocationView,
  rootRevocationView,
} from '../core/tokens/revocation_check.ts'
import type { TokenModel } from '../core/tokens/token_model.ts'
import type { ResolvedToken, TokenReads } from '../core/tokens/token_reads.ts'
import { decode, mint, type TokenDecoder } from '../core/tokens/validation_steps.ts'
import type { RevocationEvent, Store } from '../store/index.ts'
import type { ValidationCache } from './validation_cache.ts'

/** A decoder that says when its keys change (a new object per key set: rotation, a reload). */
export interface KeyedDecoder extends TokenDecoder {
  keySet(): object
}

export function cachedTokenReads(
  store: Store,
  decoder: KeyedDecoder,
  cache: ValidationCache,
  substitutions: CatalogSettings,
  trust: TrustMintSettings = DEFAULT_TRUST_MINT,
): TokenReads {
  const keySetTags = new WeakMap<object, string>()
  let keySetCount = 0
  function tokenKey(token: string): string {
    const keys = decoder.keySet()
    let tag = keySetTags.get(keys)
    if (tag === undefined) {
      tag = String(++keySetCount)
      keySetTags.set(keys, tag)
    }
    // A hash, never the token itself (secrets stay out of caches); one-shot `crypto.hash`, ~1 us
    return `${tag}:${hash('sha256', token, 'base64url')}`
  }

  // One view per generation, not per call: building it is a dozen closures on every request.
  let lastView: { readonly generation: number; readonly view: Store } | undefined
  function viewAt(generation: number): Store {
    if (lastView?.generation !== generation) {
      lastView = { generation, view: storeView(store, cache, generation) }
    }
    return lastView.view
  }

  async function resolvedAt(generation: number, model: TokenModel): Promise<ResolvedToken> {
    const revoked = await isRevokedAt(store, cache, generation, model)
    // Every issued token adds an entry that lives until the LRU drops it: no closure or promise
    // of its own, one of two shared answers.
    return { model, isRevoked: revoked ? answerRevoked : answerNotRevoked }
  }

  return {
    async resolve(token) {
      const generation = await store.generation.current()
      return cache.mints.get(generation, tokenKey(token), async () =>
        resolvedAt(generation, await mint(viewAt(generation), decode(decoder, token), trust)),
      )
    },
    async mintIssued(token, fields) {
      const generation = await store.generation.current()
      const model = await mint(viewAt(generation), fields, trust)
      // The new token is usually validated next (by the service it is sent to): that validation
      // finds this mint instead of repeating it.
      await cache.mints.get(generation, tokenKey(token), () => resolvedAt(generation, model))
      return model
    },
    async catalog(userId, projectId) {
      const generation = await store.generation.current()
      return cache.catalogs.get(generation, JSON.stringify([userId, projectId]), async () => {
        const entries = await cache.catalogEntries.get(generation, '', () =>
          store.catalog.listCatalog(),
        )
        const catalog = renderCatalog(entries, userId, projectId, substitutions)
        return filterCatalogForProject(store, catalog, projectId, substitutions)
      })
    },
    view: async () => viewAt(await store.generation.current()),
  }
}

/**
 * `store` with the reads of minting and scope resolution answered from the cache at
 * `generation`: effective roles, users, projects and domains (by ID and by name). Misses read
 * through; failures (NotFound) are not kept. Everything else, writes included, goes to `store`.
 * The users carry login bookkeeping (last_active_at, failed_auth_*) that does not move the
 * generation: authentication must read those from `store`, never from this view.
 */
function storeView(store: Store, cache: ValidationCache, generation: number): Store {
  const { identity, resource } = store
  const key = (...parts: unknown[]) => JSON.stringify(parts)
  return {
    ...store,
    identity: {
      ...identity,
      getUser: (id) => cache.users.get(generation, id, () => identity.getUser(id)),
    },
    resource: {
      ...resource,
      getProject: (id) => cache.projects.get(generation, id, () => resource.getProject(id)),
      findProjectByName: (name, domainId) =>
        cache.projectsByName.get(generation, key(name, domainId), () =>
          resource.findProjectByName(name, domainId),
        ),
      getDomain: (id) => cache.domains.get(generation, id, () => resource.getDomain(id)),
      findDomainByName: (name) =>
        cache.domainsByName.get(generation, name, () => resource.findDomainByName(name)),
    },
    effectiveRoles: {
      rolesFor: (userId, scope) =>
        cache.roles.get(generation, key(userId, scope), () =>
          store.effectiveRoles.rolesFor(userId, scope),
        ),
    },
  }
}

const REVOKED = Promise.resolve(true)
const NOT_REVOKED = Promise.resolve(false)
const answerRevoked = () => REVOKED
const answerNotRevoked = () => NOT_REVOKED

/** keystone `check_token` against every event of the generation. */
async function isRevokedAt(
  store: Store,
  cache: ValidationCache,
  generation: number,
  model: TokenModel,
): Promise<boolean> {
  const events = await cache.revocationEvents.get(
    generation,
    '',
    (): Promise<RevocationEvent[]> => store.revocation.listSince(),
  )
  // Most clouds hold few or no events: the token's view only when needed.
  if (events.length === 0) return false
  const views = [revocationView(model), rootRevocationView(model)]
  return views.some((view) => view !== null && events.some((event) => eventMatches(event, view)))
}
