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

/**
 * `store` with the reads of minting and scope resolution answered from the cache at
 * `generation`: effective roles, users, projects and domains (by ID and by name). Misses read
 * through; failures (NotFound) are not kept. Everything else, writes included, goes to `store`.
 * The users carry login bookkeeping (last_active_at, failed_auth_*) that does not move the
 * generation: authentication must read those from `store`, never from this view.
 */
export function storeAtGeneration(store: Store, cache: ValidationCache, generation: number): Store {
  // One view per generation, not per call: building it is a dozen closures on every request.
  const last = views.get(cache)
  if (last !== undefined && last.store === store && last.generation === generation) {
    return last.view
  }
  const view = buildView(store, cache, generation)
  views.set(cache, { store, generation, view })
  return view
}

const views = new WeakMap<
  ValidationCache,
  { readonly store: Store; readonly generation: number; readonly view: Store }
>()

function buildView(store: Store, cache: ValidationCache, generation: number): Store {
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
  const events = await eventsAt(store, cache, generation)
  // Most clouds hold few or no events: the token's view (two time parses) only when needed.
  if (events.length === 0) return false
  const view = revocationView(model)
  return events.some((event) => eventMatches(event, view))
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
