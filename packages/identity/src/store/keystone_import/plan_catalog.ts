/**
 * Keystone's catalog: regions (parents first), services (whose name and description Keystone
 * keeps in `extra`) and endpoints.
 * @module
 */
import type { Insertable } from 'kysely'
import type { EndpointTable, RegionTable, ServiceTable } from '../schema.ts'
import { jsonText, parentsFirst, parseJson, type SourceRows } from './plan_rows.ts'
import { sourceBool, sourceText } from './source.ts'

export async function planCatalog(rows: SourceRows): Promise<{
  region: Insertable<RegionTable>[]
  service: Insertable<ServiceTable>[]
  endpoint: Insertable<EndpointTable>[]
}> {
  const region = parentsFirst(
    (await rows('region', 'id')).map(
      (row): Insertable<RegionTable> => ({
        id: String(row.id),
        description: sourceText(row.description),
        parent_region_id: sourceText(row.parent_region_id),
        extra: jsonText(row.extra),
      }),
    ),
    (row) => [row.parent_region_id ?? null],
  )
  const service = (await rows('service', 'id')).map((row): Insertable<ServiceTable> => {
    // Keystone keeps a service's name and description in `extra`; Baton has columns for them.
    const { name, description, ...extra } = parseJson(row.extra)
    return {
      id: String(row.id),
      type: String(row.type ?? ''),
      name: typeof name === 'string' ? name : null,
      description: typeof description === 'string' ? description : null,
      enabled: sourceBool(row.enabled, true),
      extra: JSON.stringify(extra),
    }
  })
  const endpoint = (await rows('endpoint', 'id')).map(
    (row): Insertable<EndpointTable> => ({
      id: String(row.id),
      interface: String(row.interface),
      service_id: String(row.service_id),
      region_id: sourceText(row.region_id),
      url: String(row.url),
      enabled: sourceBool(row.enabled, true),
      extra: jsonText(row.extra),
    }),
  )

  return { region, service, endpoint }
}
