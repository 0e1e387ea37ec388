/**
 * The v3 service catalog as tokens and `GET /v3/auth/catalog` carry it
 * (keystone/catalog/backends/sql.py `get_v3_catalog`): enabled services with their enabled
 * endpoints, each endpoint's attributes and extras plus `region` (a copy of `region_id`), URLs
 * with their `$(project_id)s`-style substitutions applied (keystone/common/utils.py `format_url`).
 * An endpoint whose URL cannot be formatted is left out, as is one needing a project ID when
 * there is no project (domain and system scopes). A service without endpoints stays, with [].
 * @module
 */
import type { CatalogEntry, Endpoint, JsonValue } from '../../store/index.ts'

export type CatalogEndpoint = Readonly<Record<string, JsonValue>>

export interface CatalogService {
  readonly endpoints: readonly CatalogEndpoint[]
  readonly id: string
  readonly type: string
  readonly name: string
}

/** Values keystone offers to URL templates (`WHITELISTED_PROPERTIES`) besides the IDs. */
export interface CatalogSubstitutions {
  /** `[DEFAULT] public_endpoint`; Python renders an unset one as "None". */
  readonly publicEndpoint?: string | undefined
}

// keystone's `[eventlet_server]` defaults, still offered to templates by Keystone 22.
const EVENTLET_DEFAULTS: Readonly<Record<string, string>> = {
  public_bind_host: '0.0.0.0',
  admin_bind_host: '0.0.0.0',
  public_port: '5000',
  admin_port: '35357',
}

/** Keystone logs MalformedEndpoint (or, for a missing project ID, nothing) and skips the URL. */
class Malformed extends Error {}

/**
 * Python's `url.replace('$(', '%(') % substitutions` for the forms endpoint URLs use:
 * `%(key)s` and `%%`. Anything else Python would reject or that Keystone could not substitute
 * marks the URL malformed (the endpoint is skipped, as Keystone skips it).
 */
export function formatEndpointUrl(url: string, values: Readonly<Record<string, string>>): string {
  const template = url.replaceAll('$(', '%(')
  let out = ''
  let i = 0
  while (i < template.length) {
    const at = template.indexOf('%', i)
    if (at === -1) {
      out += template.slice(i)
      break
    }
    out += template.slice(i, at)
    const next = template[at + 1]
    if (next === '%') {
      out += '%'
      i = at + 2
      continue
    }
    const match = /^%\(([^)]*)\)s/.exec(template.slice(at))
    if (match === null) throw new Malformed(url)
    const key = match[1] ?? ''
    const replacement = values[key]
    if (replacement === undefined) throw new Malformed(url)
    out += replacement
    i = at + match[0].length
  }
  return out
}

function renderEndpoint(
  endpoint: Endpoint,
  values: Readonly<Record<string, string>>,
): CatalogEndpoint | null {
  let url: string
  try {
    url = formatEndpointUrl(endpoint.url, values)
  } catch (error) {
    if (error instanceof Malformed) return null
    throw error
  }
  // keystone Endpoint.to_dict(): extras first, then the columns, then `region`
  return {
    ...endpoint.extra,
    id: endpoint.id,
    interface: endpoint.interface,
    region_id: endpoint.regionId,
    url,
    region: endpoint.regionId,
  }
}

export function renderCatalog(
  entries: readonly CatalogEntry[],
  userId: string,
  projectId: string | null,
  substitutions: CatalogSubstitutions = {},
): CatalogService[] {
  const values: Record<string, string> = {
    ...EVENTLET_DEFAULTS,
    public_endpoint: substitutions.publicEndpoint ?? 'None',
    user_id: userId,
  }
  if (projectId !== null) {
    values.project_id = projectId
    values.tenant_id = projectId
  }
  return entries.map(({ service, endpoints }) => ({
    endpoints: endpoints
      .filter((endpoint) => endpoint.enabled)
      .map((endpoint) => renderEndpoint(endpoint, values))
      .filter((endpoint): endpoint is CatalogEndpoint => endpoint !== null),
    id: service.id,
    type: service.type,
    // keystone keeps a service's name in its extras and renders a missing one as ''
    name: service.name ?? '',
  }))
}
