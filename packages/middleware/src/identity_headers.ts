/**
 * The identity headers keystonemiddleware removes from every request and sets after validation
 * (`_request.py`), spelled exactly as it spells them. Null values are omitted, not sent as "None".
 * `requestHeaders` is the one place a request's header set is assembled.
 * @module
 */
import type { AccessInfo, CatalogEntry, DelegationActor } from '@baton/client'

export const USER_STATUS_HEADER = 'X-Identity-Status'
export const SERVICE_STATUS_HEADER = 'X-Service-Identity-Status'
export const SERVICE_CATALOG_HEADER = 'X-Service-Catalog'
export const SYSTEM_SCOPE_HEADER = 'OpenStack-System-Scope'
export const ADMIN_PROJECT_HEADER = 'X-Is-Admin-Project'
/** Baton only: the id of the delegation a user token is (absent for any other token). */
export const DELEGATION_ID_HEADER = 'X-Baton-Delegation-Id'
/** Baton only: the delegation's actor chain, encoded by `encodeActorChain`. */
export const ACTOR_CHAIN_HEADER = 'X-Baton-Actor-Chain'

export type TokenStatus = 'Confirmed' | 'Invalid'

type Headers = Readonly<Record<string, string>>

/** What a confirmed token contributes (`ValidatedToken` computes each part once per token). */
export type TokenHeaderParts = {
  readonly userHeaders: Headers
  readonly serviceHeaders: Headers
  /** X-Service-Catalog's value; undefined when the token has no catalog. */
  readonly catalogHeader: string | undefined
}

/**
 * A request's identity headers, in keystonemiddleware's order: the statuses, then the user's
 * headers (and catalog), then the service token's. `serviceStatus` undefined: no X-Service-Token.
 */
export function requestHeaders(
  userStatus: TokenStatus,
  user: TokenHeaderParts | undefined,
  serviceStatus: TokenStatus | undefined,
  service: TokenHeaderParts | undefined,
  includeCatalog: boolean,
): Record<string, string> {
  const out: Record<string, string> = {}
  if (serviceStatus !== undefined) out[SERVICE_STATUS_HEADER] = serviceStatus
  out[USER_STATUS_HEADER] = userStatus
  if (user !== undefined) {
    Object.assign(out, user.userHeaders)
    const catalog = includeCatalog ? user.catalogHeader : undefined
    if (catalog !== undefined) out[SERVICE_CATALOG_HEADER] = catalog
  }
  if (service !== undefined) Object.assign(out, service.serviceHeaders)
  return out
}

type ScopeField = (access: AccessInfo) => string | undefined
const SCOPE_TEMPLATE: readonly (readonly [suffix: string, read: ScopeField])[] = [
  ['Domain-Id', (a) => a.domainId],
  ['Domain-Name', (a) => a.domainName],
  ['Project-Id', (a) => a.projectId],
  ['Project-Name', (a) => a.projectName],
  ['Project-Domain-Id', (a) => a.projectDomainId],
  ['Project-Domain-Name', (a) => a.projectDomainName],
  ['User-Id', (a) => a.userId],
  ['User-Name', (a) => a.userName],
  ['User-Domain-Id', (a) => a.userDomainId],
  ['User-Domain-Name', (a) => a.userDomainName],
]

/** Old names services may still read; each copies a current header. */
const DEPRECATED_COPIES: Readonly<Record<string, string>> = {
  'X-Role': 'X-Roles',
  'X-User': 'X-User-Name',
  'X-Tenant-Id': 'X-Project-Id',
  'X-Tenant-Name': 'X-Project-Name',
  'X-Tenant': 'X-Project-Name',
}

const PREFIXES = ['X', 'X-Service'] as const

/**
 * Every header a client could forge, lower-cased. keystonemiddleware's list plus
 * `OpenStack-System-Scope`, which it forgets (a forged value survives a delayed decision there).
 */
export const FORGEABLE_HEADERS: ReadonlySet<string> = new Set(
  [
    SERVICE_CATALOG_HEADER,
    USER_STATUS_HEADER,
    SERVICE_STATUS_HEADER,
    ADMIN_PROJECT_HEADER,
    SYSTEM_SCOPE_HEADER,
    DELEGATION_ID_HEADER,
    ACTOR_CHAIN_HEADER,
    ...Object.keys(DEPRECATED_COPIES),
    ...PREFIXES.flatMap((p) => [...SCOPE_TEMPLATE.map(([s]) => `${p}-${s}`), `${p}-Roles`]),
  ].map((h) => h.toLowerCase()),
)

function scopeHeaders(access: AccessInfo, prefix: string): Record<string, string> {
  const out: Record<string, string> = { [`${prefix}-Roles`]: access.roleNames.join(',') }
  for (const [suffix, read] of SCOPE_TEMPLATE) {
    const value = read(access)
    if (value !== undefined) out[`${prefix}-${suffix}`] = value
  }
  return out
}

/** Headers describing a confirmed user token (`set_user_headers`). */
export function userHeaders(user: AccessInfo): Record<string, string> {
  const out = scopeHeaders(user, 'X')
  if (user.systemAll) out[SYSTEM_SCOPE_HEADER] = 'all'
  out[ADMIN_PROJECT_HEADER] = user.isAdminProject ? 'True' : 'False'
  for (const [old, current] of Object.entries(DEPRECATED_COPIES)) {
    const value = out[current]
    if (value !== undefined) out[old] = value
  }
  const delegation = user.delegation
  if (delegation !== undefined) {
    out[DELEGATION_ID_HEADER] = delegation.id
    out[ACTOR_CHAIN_HEADER] = encodeActorChain(delegation.actors)
  }
  return out
}

/**
 * X-Baton-Actor-Chain: the services that obtained and narrowed the delegation, oldest first (the
 * one that exchanged the user's token, then each hop that narrowed it), separated by `,`. Each
 * actor is `<user_id>` or `<user_id>;name=<user_name>`, both percent-encoded (RFC 3986, as
 * `encodeURIComponent`), so neither `,` nor `;` can occur inside an element. Example:
 * `5f0e...;name=nova,9a1c...;name=cinder`. `decodeActorChain` reads it back.
 */
export function encodeActorChain(actors: readonly DelegationActor[]): string {
  return actors
    .map((a) =>
      a.userName === undefined
        ? encodeURIComponent(a.userId)
        : `${encodeURIComponent(a.userId)};name=${encodeURIComponent(a.userName)}`,
    )
    .join(',')
}

/** The actors of an X-Baton-Actor-Chain value (user id and, when given, name), oldest first. */
export function decodeActorChain(
  value: string,
): { readonly userId: string; readonly userName?: string }[] {
  if (value === '') return []
  return value.split(',').map((element) => {
    const [id = '', ...params] = element.trim().split(';')
    const userId = decodeURIComponent(id)
    const name = params.find((p) => p.startsWith('name='))
    return name === undefined
      ? { userId }
      : { userId, userName: decodeURIComponent(name.slice('name='.length)) }
  })
}

/**
 * Headers describing a confirmed service token (`set_service_headers`). keystonemiddleware's shared
 * setter also rewrites OpenStack-System-Scope from the service token; Baton keeps the user's.
 */
export function serviceHeaders(service: AccessInfo): Record<string, string> {
  return scopeHeaders(service, 'X-Service')
}

type V2Endpoint = Record<string, string>

/** keystonemiddleware's `_normalize_catalog`: the v3 catalog in the v2 shape services expect. */
export function v2Catalog(catalog: readonly CatalogEntry[]): unknown[] {
  return catalog.map((service) => {
    const regions = new Map<string, V2Endpoint>()
    for (const endpoint of service.endpoints) {
      const region = endpoint.region ?? endpoint.region_id ?? ''
      let entry = regions.get(region)
      if (entry === undefined) {
        entry = region === '' ? {} : { region }
        regions.set(region, entry)
      }
      entry[`${endpoint.interface.toLowerCase()}URL`] = endpoint.url
    }
    return {
      type: service.type,
      ...(service.name === undefined ? {} : { name: service.name }),
      endpoints: [...regions.values()],
    }
  })
}
