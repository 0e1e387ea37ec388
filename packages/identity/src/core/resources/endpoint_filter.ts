/**
 * OS-EP-FILTER's reads (keystone/catalog/core.py): the endpoints an endpoint group's filters
 * select, and the endpoints a project is associated with (directly and through its groups), which
 * filter its tokens' catalog (core/tokens/catalog_filter.ts).
 * @module
 */
import type { Endpoint, EndpointGroup, JsonValue, Store } from '../../store/index.ts'

/** The only keys a group may filter on (keystone/api/os_ep_filter.py `_require_valid_filter`). */
export const ENDPOINT_GROUP_FILTER_KEYS = ['service_id', 'region_id', 'interface'] as const

function attribute(endpoint: Endpoint, key: string): JsonValue | undefined {
  if (key === 'service_id') return endpoint.serviceId
  if (key === 'region_id') return endpoint.regionId
  if (key === 'interface') return endpoint.interface
  return undefined
}

/** `get_endpoints_filtered_by_endpoint_group`: every endpoint (enabled or not) matching all. */
export function endpointsMatching(
  endpoints: readonly Endpoint[],
  group: EndpointGroup,
): Endpoint[] {
  const filters = Object.entries(group.filters)
  return endpoints.filter((endpoint) =>
    filters.every(([key, value]) => attribute(endpoint, key) === value),
  )
}

export async function endpointsOfGroup(store: Store, groupId: string): Promise<Endpoint[]> {
  const group = await store.endpointFilter.getEndpointGroup(groupId)
  return endpointsMatching(await store.catalog.listEndpoints(), group)
}

/**
 * `list_endpoints_for_project`: the directly associated endpoints, then those of the project's
 * endpoint groups not already listed, in that order.
 */
export async function endpointsForProject(store: Store, projectId: string): Promise<Endpoint[]> {
  const { endpointFilter } = store
  const direct = new Set(await endpointFilter.listEndpointIdsForProject(projectId))
  const groupIds = await endpointFilter.listEndpointGroupIdsForProject(projectId)
  if (direct.size === 0 && groupIds.length === 0) return []
  const endpoints = await store.catalog.listEndpoints()
  const found = new Map<string, Endpoint>()
  for (const endpoint of endpoints) if (direct.has(endpoint.id)) found.set(endpoint.id, endpoint)
  for (const groupId of groupIds) {
    const group = await endpointFilter.getEndpointGroup(groupId)
    for (const endpoint of endpointsMatching(endpoints, group)) {
      if (!found.has(endpoint.id)) found.set(endpoint.id, endpoint)
    }
  }
  return [...found.values()]
}
