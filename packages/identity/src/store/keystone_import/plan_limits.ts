/**
 * Keystone's unified limits: registered limits (a default per service, region and resource) and
 * the project or domain limits over them. Keystone 22 keys both by an `internal_id` of its own;
 * Baton keeps the public `id`, which is what the API and the limits' `registered_limit_id` use.
 * @module
 */
import type { Insertable } from 'kysely'
import type { LimitTable, RegisteredLimitTable } from '../schema.ts'
import type { SourceRows } from './plan_rows.ts'
import { sourceText } from './source.ts'

export async function planLimits(
  rows: SourceRows,
  cannot: string[],
  imported: { readonly projectIds: ReadonlySet<string>; readonly serviceIds: ReadonlySet<string> },
): Promise<{
  registered_limit: Insertable<RegisteredLimitTable>[]
  limit: Insertable<LimitTable>[]
}> {
  const registered_limit: Insertable<RegisteredLimitTable>[] = []
  for (const row of await rows('registered_limit', 'internal_id')) {
    if (!imported.serviceIds.has(String(row.service_id))) {
      cannot.push(
        `registered limit ${String(row.id)}: its service ${String(row.service_id)} is not imported`,
      )
      continue
    }
    registered_limit.push({
      id: String(row.id),
      service_id: String(row.service_id),
      region_id: sourceText(row.region_id),
      resource_name: String(row.resource_name),
      default_limit: Number(row.default_limit),
      description: sourceText(row.description),
    })
  }
  const registeredIds = new Set(registered_limit.map((row) => row.id))
  const limit: Insertable<LimitTable>[] = []
  for (const row of await rows('limit', 'internal_id')) {
    const id = String(row.id)
    const registered = sourceText(row.registered_limit_id)
    const owner = sourceText(row.project_id) ?? sourceText(row.domain_id)
    if (registered === null || !registeredIds.has(registered)) {
      cannot.push(`limit ${id}: its registered limit ${registered ?? '(none)'} is not imported`)
      continue
    }
    if (owner !== null && !imported.projectIds.has(owner)) {
      cannot.push(`limit ${id}: its project or domain ${owner} is not imported`)
      continue
    }
    limit.push({
      id,
      project_id: sourceText(row.project_id),
      domain_id: sourceText(row.domain_id),
      registered_limit_id: registered,
      resource_limit: Number(row.resource_limit),
      description: sourceText(row.description),
    })
  }
  return { registered_limit, limit }
}
