/**
 * The checks keystonemiddleware applies to a token identity has vouched for: zero-grace expiry, token
 * bind (`enforce_token_bind`), and application credential access rules (`validate_allowed_request`).
 * @module
 */
import type { AccessInfo } from '@baton/client'
import { InvalidToken, MiddlewareConfigError } from './errors.ts'

/** What the web server knows about the caller beyond the token (WSGI's AUTH_TYPE / REMOTE_USER). */
export type RequestFacts = {
  readonly method: string
  readonly path: string
  readonly authType?: string | undefined
  readonly remoteUser?: string | undefined
}

/** A token that expires now or earlier is invalid unless identity was asked with allow_expired. */
export function checkNotExpired(access: AccessInfo, nowMs: number): void {
  if (access.willExpireSoon(nowMs, 0)) throw new InvalidToken('token has expired')
}

const BIND_MODES = new Set(['disabled', 'permissive', 'strict', 'required'])

export type BindMode = {
  readonly mode: 'disabled' | 'permissive' | 'strict' | 'required' | 'named'
  readonly name?: string
}

export function parseBindMode(value: string): BindMode {
  if (value === '')
    throw new MiddlewareConfigError('[keystone_authtoken] enforce_token_bind is empty')
  if (BIND_MODES.has(value)) return { mode: value as BindMode['mode'] }
  return { mode: 'named', name: value }
}

/** `_confirm_token_bind`: only kerberos binds can be proven; anything else passes only when permissive. */
export function confirmTokenBind(access: AccessInfo, bind: BindMode, facts: RequestFacts): void {
  if (bind.mode === 'disabled') return
  const bound = access.bind ?? {}
  const types = Object.keys(bound)
  if (types.length === 0) {
    if (bind.mode === 'permissive' || bind.mode === 'strict') return
    throw new InvalidToken('token is not bound')
  }
  if (bind.mode === 'named' && !types.includes(bind.name ?? '')) {
    throw new InvalidToken('token is not bound as required')
  }
  for (const type of types) {
    if (type === 'kerberos') {
      if (facts.authType?.toLowerCase() !== 'negotiate')
        throw new InvalidToken('kerberos bind not proven')
      if (facts.remoteUser !== bound[type]) throw new InvalidToken('kerberos bind does not match')
    } else if (bind.mode !== 'permissive') {
      throw new InvalidToken('unsupported token bind')
    }
  }
}

/**
 * Application credential access rules. Skipped when a service token header came with the request (a
 * chained call, not a user-facing one), as keystonemiddleware does.
 */
export function checkAccessRules(
  user: AccessInfo,
  facts: RequestFacts,
  serviceType: string | undefined,
  serviceTokenSent: boolean,
): void {
  const rules = user.applicationCredential?.accessRules
  if (rules === undefined) return
  if (serviceType === undefined || serviceType === '') {
    throw new InvalidToken('access rules need [keystone_authtoken] service_type')
  }
  if (
    serviceType === 'identity' &&
    facts.method === 'GET' &&
    facts.path.endsWith('/v3/auth/tokens')
  ) {
    return
  }
  if (!(user.catalog ?? []).some((s) => s.type === serviceType)) {
    throw new InvalidToken('service_type is not in the token catalog')
  }
  if (serviceTokenSent) return
  const allowed = rules.some(
    (r) =>
      r.method === facts.method && r.service === serviceType && pathMatches(facts.path, r.path),
  )
  if (!allowed) throw new InvalidToken('request not allowed by access rules')
}

/**
 * `{tag}` and `*` match one path segment, `**` anything. Unlike keystonemiddleware, other characters
 * are literal (it lets a `.` in a rule match any character).
 */
export function pathMatches(path: string, pattern: string): boolean {
  let regex = ''
  for (const m of pattern.matchAll(/(\{[^}]*\})|(\*\*)|(\*)|([^{}*])/g)) {
    if (m[1] !== undefined || m[3] !== undefined) regex += '[^/]+'
    else if (m[2] !== undefined) regex += '.*'
    else if (m[4] !== undefined) regex += m[4].replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
  }
  return new RegExp(`^${regex}$`).test(path)
}
