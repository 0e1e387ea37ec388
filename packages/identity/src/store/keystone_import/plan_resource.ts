/**
 * Keystone's projects (domains included, the root domain left out) with their options and tags,
 * and the domains whose identity lives in LDAP (named, not imported).
 * @module
 */
import type { Insertable } from 'kysely'
import { ROOT_DOMAIN_ID } from '../codecs.ts'
import type { ProjectTable, ProjectTagTable } from '../schema.ts'
import {
  IMMUTABLE_OPTIONS,
  jsonText,
  optionsBy,
  parentsFirst,
  parseJsonValue,
  type SourceRows,
} from './plan_rows.ts'
import { sourceBool, sourceText } from './source.ts'

export async function planProjects(rows: SourceRows): Promise<{
  project: Insertable<ProjectTable>[]
  project_tag: ProjectTagTable[]
  projectIds: ReadonlySet<string>
}> {
  const projectRows = (await rows('project')).filter((row) => row.id !== ROOT_DOMAIN_ID)
  const projectOptions = optionsBy(await rows('project_option'), 'project_id', IMMUTABLE_OPTIONS)
  const project = parentsFirst(
    projectRows.map(
      (row): Insertable<ProjectTable> => ({
        id: String(row.id),
        name: String(row.name),
        domain_id: String(row.domain_id),
        parent_id: sourceText(row.parent_id),
        description: sourceText(row.description),
        enabled: sourceBool(row.enabled, true),
        is_domain: sourceBool(row.is_domain),
        options: JSON.stringify(projectOptions.get(String(row.id)) ?? {}),
        extra: jsonText(row.extra),
      }),
    ),
    (row) => [row.domain_id, row.parent_id ?? null],
  )
  const projectIds = new Set(project.map((row) => row.id))
  const project_tag = (await rows('project_tag'))
    .filter((row) => projectIds.has(String(row.project_id)))
    .map((row) => ({ project_id: String(row.project_id), name: String(row.name) }))

  return { project, project_tag, projectIds }
}

/** Domains whose database configuration (whitelisted_config) selects the ldap identity driver. */
export async function findLdapDomains(
  rows: SourceRows,
  cannot: string[],
): Promise<readonly string[]> {
  const domains: string[] = []
  for (const row of await rows('whitelisted_config')) {
    if (row.group !== 'identity' || row.option !== 'driver') continue
    const value = parseJsonValue(row.value)
    if (typeof value === 'string' && value.toLowerCase().includes('ldap')) {
      domains.push(String(row.domain_id))
    }
  }
  if (domains.length === 0) return domains
  cannot.push(`domain_config: ${domains.length} LDAP-backed domains (${domains.join(', ')})`)
  return domains
}
