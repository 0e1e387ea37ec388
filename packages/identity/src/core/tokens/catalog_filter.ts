/**
 * The endpoint filter of a token's catalog (keystone/catalog/backends/sql.py `get_v3_catalog`
 * with OS-EP-FILTER), applied after rendering as Keystone applies it, so an associated endpoint
 * whose URL cannot be formatted is gone before its service is judged empty.
 * @module
 */

import type { Store } from '../../store/index.ts'
import { endpointsForProject } from '../resources/endpoint_filter.ts'
import type { CatalogService, CatalogSubstitutions } from './catalog.ts'

export interface EndpointFilterSettings {
  /** `[endpoint_filter] return_all_endpoints_if_no_filter` (Keystone's default: true). */
  readonly returnAllEndpointsIfNoFilter?: boolean | undefined
}

/** What a catalog is rendered and filtered with. */
export type CatalogSettings = CatalogSubstitutions & EndpointFilterSettings

/**
 * keystone sql.py `get_v3_catalog`'s endpoint filter, applied to the rendered catalog: when the
 * project's associations select any endpoint (enabled or not), only those stay and a service left
 * without endpoints goes; otherwise (no project, or nothing selected) the full catalog, or none
 * when `return_all_endpoints_if_no_filter` is false.
 */
export async function filterCatalogForProject(
  store: Store,
  catalog: CatalogService[],
  projectId: string | null,
  settings: EndpointFilterSettings,
): Promise<CatalogService[]> {
  const selected =
    projectId === null
      ? new Set<string>()
      : new Set((await endpointsForProject(store, projectId)).map((e) => e.id))
  if (selected.size === 0) return settings.returnAllEndpointsIfNoFilter === false ? [] : catalog
  return catalog
    .map((service) => ({
      ...service,
      endpoints: service.endpoints.filter((e) => selected.has(String(e.id))),
    }))
    .filter((service) => service.endpoints.length > 0)
}
