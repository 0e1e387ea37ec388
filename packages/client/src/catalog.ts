/**
 * Service catalog lookup (keystoneauth `ServiceCatalogV3.url_for`): pick the first endpoint whose
 * service type, interface, region and service name match the filter.
 * @module
 */

export type Interface = 'public' | 'internal' | 'admin'

export type EndpointFilter = {
  serviceType: string
  /** Default 'public', as keystoneauth's. */
  interface?: Interface
  regionName?: string
  serviceName?: string
}

export type CatalogEndpoint = {
  interface: string
  region?: string | null
  region_id?: string | null
  url: string
  id?: string
}

export type CatalogEntry = {
  type: string
  name?: string
  id?: string
  endpoints: readonly CatalogEndpoint[]
}

/** The URL of the first matching endpoint, or undefined when none matches. */
export function endpointFromCatalog(
  catalog: readonly CatalogEntry[],
  filter: EndpointFilter,
): string | undefined {
  const wanted = filter.interface ?? 'public'
  for (const service of catalog) {
    if (service.type !== filter.serviceType) continue
    if (filter.serviceName !== undefined && service.name !== filter.serviceName) continue
    for (const endpoint of service.endpoints) {
      if (normalizeInterface(endpoint.interface) !== wanted) continue
      if (filter.regionName !== undefined && !inRegion(endpoint, filter.regionName)) continue
      return endpoint.url
    }
  }
  return undefined
}

/** v2-style names ('publicURL') mean the same interface, as keystoneauth accepts both. */
function normalizeInterface(name: string): string {
  return name.endsWith('URL') ? name.slice(0, -3) : name
}

/** keystoneauth matches a region against either the region id or the legacy `region` name. */
function inRegion(endpoint: CatalogEndpoint, region: string): boolean {
  return endpoint.region_id === region || endpoint.region === region
}
