/**
 * `AccessInfo`: a v3 token document read the way keystoneauth's `AccessInfoV3` reads it. The raw
 * body is kept as received (caches store and re-read it); the typed fields are derived once.
 * @module
 */
import type { CatalogEndpoint, CatalogEntry } from './catalog.ts'
import { InvalidTokenBody } from './errors.ts'

export type AccessRule = { service: string; method: string; path: string; id?: string }

export type ApplicationCredentialInfo = {
  id: string
  name?: string
  restricted?: boolean
  accessRules?: readonly AccessRule[]
}

/** The `OS-TRUST:trust` member of a trust-scoped token. */
export type TrustInfo = {
  id: string
  impersonation?: boolean
  trusteeUserId?: string
  trustorUserId?: string
}

/** One service that obtained or narrowed a delegation (`OS-BATON:delegation.actors[]`), oldest first. */
export type DelegationActor = {
  readonly userId: string
  readonly userName?: string
  readonly projectId?: string
  readonly issuedAt?: Date
}

/**
 * The `OS-BATON:delegation` member of a Baton delegation token (docs/delegation.md): the operation it
 * is bound to, the service types it may be used at, the services that acted in turn, the root user
 * token's audit id and the deadline (also the token's `expires_at`).
 */
export type DelegationInfo = {
  readonly id: string
  readonly operation: string
  readonly audience: readonly string[]
  readonly actors: readonly DelegationActor[]
  readonly rootAuditId: string | undefined
  readonly expiresAt: Date | undefined
}

/** The token body member that makes a token a delegation (Baton only). */
export const DELEGATION_MEMBER = 'OS-BATON:delegation'

type Json = Record<string, unknown>

export class AccessInfo {
  readonly token: string
  readonly body: { token: Record<string, unknown> }
  readonly expiresAt: Date
  readonly issuedAt: Date | undefined
  readonly userId: string | undefined
  readonly userName: string | undefined
  readonly userDomainId: string | undefined
  readonly userDomainName: string | undefined
  readonly projectId: string | undefined
  readonly projectName: string | undefined
  readonly projectDomainId: string | undefined
  readonly projectDomainName: string | undefined
  readonly domainId: string | undefined
  readonly domainName: string | undefined
  readonly systemAll: boolean
  readonly roleNames: readonly string[]
  readonly roleIds: readonly string[]
  readonly isAdminProject: boolean
  readonly catalog: readonly CatalogEntry[] | undefined
  readonly auditIds: readonly string[]
  readonly methods: readonly string[]
  readonly bind: Record<string, unknown> | undefined
  readonly applicationCredential: ApplicationCredentialInfo | undefined
  /** keystoneauth `trust_id` / `trustee_user_id` / `trustor_user_id`; undefined when not trust-scoped. */
  readonly trust: TrustInfo | undefined
  /** Baton's job-bound delegation (`OS-BATON:delegation`); undefined for any other token. */
  readonly delegation: DelegationInfo | undefined

  private constructor(token: string, body: { token: Json }) {
    const t = body.token
    const expires = parseTime(t.expires_at)
    if (expires === undefined) throw new InvalidTokenBody('token.expires_at is missing or invalid')
    this.token = token
    this.body = body
    this.expiresAt = expires
    this.issuedAt = parseTime(t.issued_at)
    const user = object(t.user)
    const userDomain = object(user?.domain)
    this.userId = str(user?.id)
    this.userName = str(user?.name)
    this.userDomainId = str(userDomain?.id)
    this.userDomainName = str(userDomain?.name)
    const project = object(t.project)
    const projectDomain = object(project?.domain)
    this.projectId = str(project?.id)
    this.projectName = str(project?.name)
    this.projectDomainId = str(projectDomain?.id)
    this.projectDomainName = str(projectDomain?.name)
    const domain = object(t.domain)
    this.domainId = str(domain?.id)
    this.domainName = str(domain?.name)
    this.systemAll = object(t.system)?.all === true
    const roles = array(t.roles).map(object)
    this.roleNames = Object.freeze(roles.map((r) => str(r?.name)).filter(isString))
    this.roleIds = Object.freeze(roles.map((r) => str(r?.id)).filter(isString))
    // keystoneauth: a token without the flag is an admin-project token
    this.isAdminProject = t.is_admin_project !== false
    this.catalog = Array.isArray(t.catalog) ? parseCatalog(t.catalog) : undefined
    this.auditIds = Object.freeze(array(t.audit_ids).filter(isString))
    this.methods = Object.freeze(array(t.methods).filter(isString))
    this.bind = object(t.bind)
    this.applicationCredential = parseAppCred(object(t.application_credential))
    this.trust = parseTrust(object(t['OS-TRUST:trust']))
    this.delegation = parseDelegation(t[DELEGATION_MEMBER])
    Object.freeze(this)
  }

  /** Reads a `{"token": {...}}` body; `subjectToken` is the X-Subject-Token it came with. */
  static fromTokenResponse(subjectToken: string, body: unknown): AccessInfo {
    if (typeof subjectToken !== 'string' || subjectToken === '') {
      throw new InvalidTokenBody('the token id (X-Subject-Token) is missing')
    }
    const token = object(object(body)?.token)
    if (token === undefined) throw new InvalidTokenBody('the body has no "token" object')
    return new AccessInfo(subjectToken, body as { token: Json })
  }

  /** keystoneauth `trust_scoped`: the token carries `OS-TRUST:trust`. */
  get trustScoped(): boolean {
    return this.trust !== undefined
  }

  /** True when the token expires before `now + staleSeconds` (keystoneauth `will_expire_soon`). */
  willExpireSoon(nowMs: number, staleSeconds = 30): boolean {
    return this.expiresAt.getTime() < nowMs + staleSeconds * 1000
  }

  /** Never print the token itself (it would land in logs). */
  toJSON(): Record<string, unknown> {
    return { userId: this.userId, projectId: this.projectId, expiresAt: this.expiresAt }
  }

  /** What console.log and util.inspect show: the same token-free summary. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `AccessInfo ${JSON.stringify(this.toJSON())}`
  }
}

function parseTime(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined
  const ms = Date.parse(value)
  return Number.isNaN(ms) ? undefined : new Date(ms)
}

function object(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Json)
    : undefined
}

function array(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : []
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}

function isString(value: unknown): value is string {
  return typeof value === 'string'
}

/** Entries without a type and endpoints without a URL are dropped rather than failing the token. */
function parseCatalog(raw: readonly unknown[]): readonly CatalogEntry[] {
  const out: CatalogEntry[] = []
  for (const item of raw.map(object)) {
    const type = str(item?.type)
    if (item === undefined || type === undefined) continue
    const endpoints: CatalogEndpoint[] = []
    for (const e of array(item.endpoints).map(object)) {
      const url = str(e?.url)
      const iface = str(e?.interface)
      if (e === undefined || url === undefined || iface === undefined) continue
      endpoints.push({
        interface: iface,
        url,
        ...(typeof e.region === 'string' || e.region === null ? { region: e.region } : {}),
        ...(typeof e.region_id === 'string' || e.region_id === null
          ? { region_id: e.region_id }
          : {}),
        ...(typeof e.id === 'string' ? { id: e.id } : {}),
      })
    }
    const name = str(item.name)
    const id = str(item.id)
    out.push({
      type,
      endpoints: Object.freeze(endpoints),
      ...(name === undefined ? {} : { name }),
      ...(id === undefined ? {} : { id }),
    })
  }
  return Object.freeze(out)
}

function parseAppCred(raw: Json | undefined): ApplicationCredentialInfo | undefined {
  const id = str(raw?.id)
  if (raw === undefined || id === undefined) return undefined
  const name = str(raw.name)
  const rules = Array.isArray(raw.access_rules) ? parseRules(raw.access_rules) : undefined
  return Object.freeze({
    id,
    ...(name === undefined ? {} : { name }),
    ...(typeof raw.restricted === 'boolean' ? { restricted: raw.restricted } : {}),
    ...(rules === undefined ? {} : { accessRules: rules }),
  })
}

function parseRules(raw: readonly unknown[]): readonly AccessRule[] {
  const rules: AccessRule[] = []
  for (const r of raw.map(object)) {
    const service = str(r?.service)
    const method = str(r?.method)
    const path = str(r?.path)
    if (service === undefined || method === undefined || path === undefined) continue
    const id = str(r?.id)
    rules.push({ service, method, path, ...(id === undefined ? {} : { id }) })
  }
  return Object.freeze(rules)
}

function parseTrust(raw: Json | undefined): TrustInfo | undefined {
  const id = str(raw?.id)
  if (raw === undefined || id === undefined) return undefined
  const trustee = str(object(raw.trustee_user)?.id)
  const trustor = str(object(raw.trustor_user)?.id)
  return Object.freeze({
    id,
    ...(typeof raw.impersonation === 'boolean' ? { impersonation: raw.impersonation } : {}),
    ...(trustee === undefined ? {} : { trusteeUserId: trustee }),
    ...(trustor === undefined ? {} : { trustorUserId: trustor }),
  })
}

/**
 * A member that is present but unreadable (no id, no audience list) is an invalid token body: a
 * receiver must never mistake a delegation for a plain user token and skip its audience check.
 */
function parseDelegation(value: unknown): DelegationInfo | undefined {
  if (value === undefined) return undefined
  const raw = object(value)
  const id = str(raw?.id)
  const operation = str(raw?.operation)
  if (
    raw === undefined ||
    id === undefined ||
    operation === undefined ||
    !Array.isArray(raw.audience)
  ) {
    throw new InvalidTokenBody(`token.${DELEGATION_MEMBER} is not a delegation object`)
  }
  const actors: DelegationActor[] = []
  for (const a of array(raw.actors).map(object)) {
    const userId = str(a?.user_id)
    if (a === undefined || userId === undefined) continue
    const userName = str(a.user_name)
    const projectId = str(a.project_id)
    const issuedAt = parseTime(a.issued_at)
    actors.push(
      Object.freeze({
        userId,
        ...(userName === undefined ? {} : { userName }),
        ...(projectId === undefined ? {} : { projectId }),
        ...(issuedAt === undefined ? {} : { issuedAt }),
      }),
    )
  }
  return Object.freeze({
    id,
    operation,
    audience: Object.freeze(raw.audience.filter(isString)),
    actors: Object.freeze(actors),
    rootAuditId: str(raw.root_audit_id),
    expiresAt: parseTime(raw.expires_at),
  })
}
