/**
 * OS-EP-FILTER: endpoint groups and the project<->endpoint and project<->endpoint-group
 * associations that narrow a project-scoped token's catalog. Keystone has no foreign keys on the
 * associations, so one may name a project or endpoint it deleted: those are left behind (Keystone
 * ignores them too), everything else comes over as is.
 * @module
 */
import type { Insertable } from 'kysely'
import type {
  EndpointGroupTable,
  ProjectEndpointGroupTable,
  ProjectEndpointTable,
} from '../schema.ts'
import { jsonText, type SourceRows } from './plan_rows.ts'
import { sourceText } from './source.ts'

export async function planEndpointFilter(
  rows: SourceRows,
  imported: { readonly projectIds: ReadonlySet<string>; readonly endpointIds: ReadonlySet<string> },
): Promise<{
  endpoint_group: Insertable<EndpointGroupTable>[]
  project_endpoint_group: ProjectEndpointGroupTable[]
  project_endpoint: ProjectEndpointTable[]
}> {
  const endpoint_group = (await rows('endpoint_group', 'id')).map(
    (row): Insertable<EndpointGroupTable> => ({
      id: String(row.id),
      name: String(row.name),
      description: sourceText(row.description),
      filters: jsonText(row.filters),
    }),
  )
  const groupIds = new Set(endpoint_group.map((row) => row.id))
  const project_endpoint_group = (await rows('project_endpoint_group', 'endpoint_group_id'))
    .filter(
      (row) =>
        groupIds.has(String(row.endpoint_group_id)) &&
        imported.projectIds.has(String(row.project_id)),
    )
    .map((row) => ({
      endpoint_group_id: String(row.endpoint_group_id),
      project_id: String(row.project_id),
    }))
  const project_endpoint = (await rows('project_endpoint', 'endpoint_id'))
    .filter(
      (row) =>
        imported.endpointIds.has(String(row.endpoint_id)) &&
        imported.projectIds.has(String(row.project_id)),
    )
    .map((row) => ({ endpoint_id: String(row.endpoint_id), project_id: String(row.project_id) }))
  return { endpoint_group, project_endpoint_group, project_endpoint }
}
