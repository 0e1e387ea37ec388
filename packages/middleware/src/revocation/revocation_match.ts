/**
 * Does a revocation event revoke a cached token? Keystone's rule (keystone/models/revoke_model.py
 * `matches`): every field the event sets must match the token, and the token must have been issued
 * no later than the event's `issued_before`. Here it errs one way only: a field the token may carry in
 * several places matches any of them (audit_id or audit_chain_id against every audit id and the
 * delegation's `root_audit_id`; user_id against the user, trustor and trustee; domain_id against
 * the user's, project's and scope's domain), times compare at whole seconds, and `expires_at` is not
 * checked. A false match costs one revalidation at identity; a missed one would keep a revoked
 * token working, so nothing here may say "no" where Keystone says "yes". Pure: no clock, no I/O.
 * @module
 */

/** A revocation event as `GET /v3/OS-REVOKE/events` renders it, times in epoch ms. */
export type RevocationEventFacts = {
  readonly auditId?: string
  readonly auditChainId?: string
  readonly userId?: string
  readonly projectId?: string
  readonly domainId?: string
  readonly domainScopeId?: string
  readonly roleId?: string
  readonly trustId?: string
  readonly consumerId?: string
  readonly accessTokenId?: string
  /** Epoch ms; undefined (unreadable) matches every token. */
  readonly issuedBeforeMs: number | undefined
}

/** What of a validated token body the matching needs. */
export type TokenFacts = {
  /** audit_ids plus OS-BATON:delegation.root_audit_id. */
  readonly auditIds: ReadonlySet<string>
  /** The user, and a trust's trustor and trustee. */
  readonly userIds: ReadonlySet<string>
  readonly projectId: string | undefined
  /** The user's, the project's and a domain scope's domain. */
  readonly domainIds: ReadonlySet<string>
  /** A domain-scoped token's domain. */
  readonly scopeDomainId: string | undefined
  readonly roleIds: ReadonlySet<string>
  readonly trustId: string | undefined
  /** `OS-OAUTH1` of an OAuth1 token (Keystone renders it on every such token). */
  readonly consumerId: string | undefined
  readonly accessTokenId: string | undefined
  /** Epoch ms; undefined when the body does not say (then every issued_before matches). */
  readonly issuedAtMs: number | undefined
}

type Json = Record<string, unknown>

function obj(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Json)
    : undefined
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

function idOf(value: unknown): string | undefined {
  return str(obj(value)?.id)
}

/** Keystone times (`2030-01-01T00:00:00.000000Z`, naive means UTC) as epoch ms. */
export function parseKeystoneTime(value: unknown): number | undefined {
  const text = str(value)
  if (text === undefined) return undefined
  const zoned = /[zZ]|[+-]\d{2}:?\d{2}$/.test(text) ? text : `${text}Z`
  const ms = Date.parse(zoned.replace(/(\.\d{3})\d+/, '$1'))
  return Number.isNaN(ms) ? undefined : ms
}

/** The facts of a `GET /v3/auth/tokens` body (`{"token": {...}}`). */
export function tokenFactsOf(body: unknown): TokenFacts {
  const token = obj(obj(body)?.token) ?? {}
  const auditIds = new Set<string>()
  if (Array.isArray(token.audit_ids)) {
    for (const id of token.audit_ids) if (str(id) !== undefined) auditIds.add(id as string)
  }
  const root = str(obj(token['OS-BATON:delegation'])?.root_audit_id)
  if (root !== undefined) auditIds.add(root)
  const user = obj(token.user)
  const trust = obj(token['OS-TRUST:trust'])
  const userIds = new Set<string>()
  for (const id of [idOf(user), idOf(trust?.trustor_user), idOf(trust?.trustee_user)]) {
    if (id !== undefined) userIds.add(id)
  }
  const project = obj(token.project)
  const oauth = obj(token['OS-OAUTH1'])
  const scopeDomainId = idOf(token.domain)
  const domainIds = new Set<string>()
  for (const id of [idOf(user?.domain), idOf(project?.domain), scopeDomainId]) {
    if (id !== undefined) domainIds.add(id)
  }
  const roleIds = new Set<string>()
  if (Array.isArray(token.roles)) {
    for (const role of token.roles) {
      const id = idOf(role)
      if (id !== undefined) roleIds.add(id)
    }
  }
  return {
    auditIds,
    userIds,
    projectId: idOf(project),
    domainIds,
    scopeDomainId,
    roleIds,
    trustId: idOf(trust),
    consumerId: str(oauth?.consumer_id),
    accessTokenId: str(oauth?.access_token_id),
    issuedAtMs: parseKeystoneTime(token.issued_at),
  }
}

/** One rendered event (`{"audit_id": ..., "issued_before": ...}`); undefined when not an object. */
export function eventFactsOf(raw: unknown): RevocationEventFacts | undefined {
  const e = obj(raw)
  if (e === undefined) return undefined
  const fields: [keyof RevocationEventFacts, string][] = [
    ['auditId', 'audit_id'],
    ['auditChainId', 'audit_chain_id'],
    ['userId', 'user_id'],
    ['projectId', 'project_id'],
    ['domainId', 'domain_id'],
    ['domainScopeId', 'domain_scope_id'],
    ['roleId', 'role_id'],
    ['trustId', 'OS-TRUST:trust_id'],
    ['consumerId', 'OS-OAUTH1:consumer_id'],
    ['accessTokenId', 'OS-OAUTH1:access_token_id'],
  ]
  const out: Record<string, string | number | undefined> = {
    issuedBeforeMs: parseKeystoneTime(e.issued_before),
  }
  for (const [name, key] of fields) {
    const value = str(e[key])
    if (value !== undefined) out[name] = value
  }
  return out as RevocationEventFacts
}

const SECOND = 1000

/** True when the event may revoke the token (see the module comment for the direction of doubt). */
export function eventRevokes(event: RevocationEventFacts, token: TokenFacts): boolean {
  if (event.issuedBeforeMs !== undefined && token.issuedAtMs !== undefined) {
    // whole seconds: issued_before is kept to the second, issued_at has microseconds
    const issuedAt = Math.floor(token.issuedAtMs / SECOND) * SECOND
    if (issuedAt > event.issuedBeforeMs) return false
  }
  const has = (set: ReadonlySet<string>, value: string | undefined): boolean =>
    value === undefined || set.has(value)
  const same = (mine: string | undefined, theirs: string | undefined): boolean =>
    theirs === undefined || mine === theirs
  return (
    has(token.auditIds, event.auditId) &&
    has(token.auditIds, event.auditChainId) &&
    has(token.userIds, event.userId) &&
    same(token.projectId, event.projectId) &&
    has(token.domainIds, event.domainId) &&
    same(token.scopeDomainId, event.domainScopeId) &&
    has(token.roleIds, event.roleId) &&
    same(token.trustId, event.trustId) &&
    same(token.consumerId, event.consumerId) &&
    same(token.accessTokenId, event.accessTokenId)
  )
}
