/**
 * The token path's reads through a `ValidationCache`, all at one cache generation read by the
 * caller first: a store view whose role expansions are memoised, the revocation check against
 * the generation's whole event list, and the catalog. With the list in memory, `eventMatches`
 * alone decides: it re-checks every condition of the SQL pre-filter (see revocation_check.ts).
 * @module
 */
import type { ValidationCache } from '../../cache/index.ts'
import type { RevocationEvent, Store } from '../../store/index.ts'
import { type CatalogService, type CatalogSubstitutions, renderCatalog } from './catalog.ts'
import { eventMatches, revocationView } from './revocation_check.ts'
import type { TokenModel } from './token_model.ts'

/** `store` with `effectiveRoles` answered from the cache at `generation`. */
export function storeAtGeneration(store: Store, cache: ValidationCache, generation: number): Store {
  return {
    ...store,
    effectiveRoles: {
      rolesFor: (userId, scope) =>
        cache.roles.get(generation, JSON.stringify([userId, scope]), () =>
          store.effectiveRoles.rolesFor(userId, scope),
        ),
    },
  }
}

function eventsAt(store: Store, cache: ValidationCache, generation: number) {
  return cache.revocationEvents.get(
    generation,
    '',
    (): Promise<RevocationEvent[]> => store.revocation.listSince(),
  )
}

/** keystone `check_token` against every event of the generation. */
export async function isRevokedAt(
  store: Store,
  cache: ValidationCache,
  generation: number,
  model: TokenModel,
): Promise<boolean> {
  const view = revocationView(model)
  return (await eventsAt(store, cache, generation)).some((event) => eventMatches(event, view))
}

export async function catalogAt(
  store: Store,
  cache: ValidationCache,
  request: { readonly userId: string; readonly projectId: string | null },
  substitutions: CatalogSubstitutions,
): Promise<CatalogService[]> {
  const generation = await store.generation.current()
  return cache.catalogs.get(
    generation,
    JSON.stringify([request.userId, request.projectId]),
    async () => {
      const entries = await cache.catalogEntries.get(generation, '', () =>
        store.catalog.listCatalog(),
      )
      return renderCatalog(entries, request.userId, request.projectId, substitutions)
    },
  )
}
