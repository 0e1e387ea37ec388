/**
 * Store entities as Keystone renders them (the models' `to_dict`): attributes over the "extra"
 * attributes the API received, `options` as a plain object, datetimes without zone. Links are
 * added by the HTTP layer. Also the helpers that turn a request body into attributes + extras.
 * @module
 */

import { randomUUID } from 'node:crypto'
import { ValidationError } from '../../errors.ts'
import type {
  ApplicationCredential,
  Domain,
  Endpoint,
  Group,
  JsonObject,
  JsonValue,
  Project,
  Region,
  Role,
  Service,
  User,
} from '../../store/index.ts'
import { formatEntityTime } from '../../store/index.ts'
import { isObject } from '../py_values.ts'
import { codePoints } from './schema_validator.ts'

export type Rendered = Record<string, unknown>

export function renderDomain(d: Domain): Rendered {
  const { id, name, description, enabled, tags, options } = d
  return { ...d.extra, id, name, description, enabled, tags, options }
}

export function renderProject(p: Project): Rendered {
  const { id, name, description, enabled, tags, options } = p
  return {
    ...p.extra,
    id,
    name,
    domain_id: p.domainId,
    description,
    enabled,
    parent_id: p.parentId,
    is_domain: p.isDomain,
    tags,
    options,
  }
}

export function renderUser(u: User): Rendered {
  const out: Rendered = {
    ...u.extra,
    id: u.id,
    name: u.name,
    domain_id: u.domainId,
    enabled: u.enabled,
    password_expires_at:
      u.passwordExpiresAt === null ? null : formatEntityTime(u.passwordExpiresAt),
    options: u.options,
  }
  // keystone User.to_dict drops a null default_project_id
  if (u.defaultProjectId !== null) out.default_project_id = u.defaultProjectId
  return out
}

export function renderGroup(g: Group): Rendered {
  return { ...g.extra, id: g.id, name: g.name, domain_id: g.domainId, description: g.description }
}

export function renderRole(r: Role): Rendered {
  const { id, name, description, options } = r
  return { ...r.extra, id, name, domain_id: r.domainId, description, options }
}

/** Keystone keeps a service's name and description in `extra`; `name` defaults to ''. */
export function renderService(s: Service): Rendered {
  const out: Rendered = { ...s.extra, name: s.name ?? '' }
  if (s.description !== null) out.description = s.description
  return { ...out, id: s.id, type: s.type, enabled: s.enabled }
}

export function renderEndpoint(e: Endpoint): Rendered {
  return {
    ...e.extra,
    id: e.id,
    interface: e.interface,
    region_id: e.regionId,
    service_id: e.serviceId,
    url: e.url,
    enabled: e.enabled,
    // keystone/api/endpoints.py _filter_endpoint
    region: e.regionId,
  }
}

export function renderRegion(r: Region): Rendered {
  return {
    ...r.extra,
    id: r.id,
    description: r.description ?? '',
    parent_region_id: r.parentRegionId,
  }
}

export function renderApplicationCredential(a: ApplicationCredential, roles: Role[]): Rendered {
  return {
    id: a.id,
    name: a.name,
    description: a.description,
    user_id: a.userId,
    project_id: a.projectId,
    system: a.system,
    expires_at: a.expiresAt === null ? null : formatEntityTime(a.expiresAt),
    unrestricted: a.unrestricted,
    roles: roles.map(renderRole),
    // the driver's _to_dict adds access_rules only when there are some
    ...(a.accessRules.length === 0 ? {} : { access_rules: a.accessRules.map((r) => ({ ...r })) }),
  }
}

/** `ResourceBase._normalize_dict`: `:` and `-` in attribute names become `_`. */
export function normalizeDict(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(body)) out[key.replace(/[:-]/g, '_')] = value
  return out
}

/**
 * What `ModelDictMixinWithExtras.from_dict` puts in `extra`: every attribute the model does not
 * have. `extra` itself is never taken from the body, and `links` would be overwritten by the
 * response's own links, so neither is kept.
 */
export function extrasOf(body: Record<string, unknown>, attributes: readonly string[]): JsonObject {
  const extra: JsonObject = {}
  for (const [key, value] of Object.entries(body)) {
    if (attributes.includes(key) || key === 'extra' || key === 'links') continue
    extra[key] = value as JsonValue
  }
  return extra
}

/** Resource options after an update: null removes an option, other values replace it. */
export function mergeOptions(current: JsonObject, patch: unknown): JsonObject {
  const next: JsonObject = { ...current }
  if (!isObject(patch)) return next
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete next[key]
    else next[key] = value as JsonValue
  }
  return next
}

/** Options as stored on create: null-valued options are simply not stored. */
export function createOptions(value: unknown): JsonObject {
  return mergeOptions({}, value)
}

/**
 * keystone exception.StringLengthExceeded (400), raised by the SQL models' constructor for a
 * value longer than its column (group names are String(64), role descriptions String(255)...).
 */
export function checkLength(value: unknown, column: string, length: number): void {
  if (typeof value !== 'string' || codePoints(value) <= length) return
  throw new ValidationError(
    `String length exceeded. The length of string '${value}' exceeds the limit of column ` +
      `${column}(CHAR(${length})).`,
  )
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}

/** Python's str.strip() for names. */
export function strip(value: string): string {
  return value.trim()
}

/** Keystone's server-generated IDs: `uuid4().hex`. */
export function newId(): string {
  return randomUUID().replaceAll('-', '')
}
