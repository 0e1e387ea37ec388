/**
 * The audit trail of delegated calls: one JSON line per request a service handled for a user or made
 * on a user's behalf, saying who acted for whom, whether an expired user token was let in on a
 * service token's word (and when that token had expired), the request id and the outcome. Never a
 * token. Identity's console reads these lines (packages/identity/src/operations/audit_trail.ts
 * keeps its own structural type of them: identity does not import the cloud).
 * @module
 */

import { appendFileSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { type Clock, systemClock } from '@baton/config'
import type { RequestIdentity } from '@baton/middleware'

export type AuditEntry = {
  readonly service: string
  /** `received`: a request this service handled; `sent`: a call it made to the next hop. */
  readonly direction: 'received' | 'sent'
  readonly request_id: string
  readonly method: string
  readonly path: string
  readonly status: number
  readonly user_id?: string | undefined
  readonly project_id?: string | undefined
  readonly service_user_id?: string | undefined
  readonly service_roles?: readonly string[] | undefined
  readonly expired_user_token_accepted?: boolean
  /**
   * Received lines with a confirmed user token: when that token expired (ISO 8601), so a reader
   * can tell how late an expired token was let in (`time` minus this). Never the token itself.
   */
  readonly user_token_expires_at?: string | undefined
  readonly target?: string
  /** Sent calls: whether this service added its own X-Service-Token. */
  readonly service_token_sent?: boolean
  /** The Baton delegation the user token is (received), or that was sent on (sent). */
  readonly delegation_id?: string | undefined
  /** Sent to identity: the delegation this service narrowed. */
  readonly parent_delegation_id?: string | undefined
  /** The operation that delegation is bound to. */
  readonly operation?: string | undefined
  /** The delegation's actor chain, oldest first: service user names (ids where unnamed). */
  readonly actor_chain?: readonly string[] | undefined
  readonly outcome: 'ok' | 'error'
  readonly detail?: string
}

export type AuditLog = { readonly file: string; write(entry: AuditEntry): void }

export function openAuditLog(file: string, clock: Clock = systemClock): AuditLog {
  mkdirSync(dirname(file), { recursive: true })
  return {
    file,
    write(entry) {
      appendFileSync(
        file,
        `${JSON.stringify({ time: new Date(clock.now()).toISOString(), ...entry })}\n`,
      )
    },
  }
}

/** The identity fields of an audit line, from what the middleware established. */
export function auditIdentity(identity: RequestIdentity | undefined): Partial<AuditEntry> {
  if (identity === undefined) return {}
  const delegation = identity.delegation
  return {
    user_id: identity.user?.userId,
    project_id: identity.user?.projectId,
    service_user_id: identity.service?.userId,
    service_roles: identity.service?.roleNames,
    expired_user_token_accepted: identity.acceptedExpiredUserToken,
    user_token_expires_at: identity.user?.expiresAt.toISOString(),
    ...(delegation === undefined
      ? {}
      : {
          delegation_id: delegation.id,
          operation: delegation.operation,
          actor_chain: delegation.actors.map((a) => a.userName ?? a.userId),
        }),
  }
}
