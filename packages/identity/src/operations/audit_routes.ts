/**
 * `GET /v3/OS-BATON/calls` and `GET /v3/OS-BATON/windows` (Baton only): the services' audit trails
 * (`[console] audit_trail_files`) as the console's Delegated calls and Windows views show them.
 * Policies `identity:baton_audit_calls` and `identity:baton_audit_windows` (admin, or a reader on
 * the system, by default). Each request reads what the trails gained since the last one (one reader
 * per server, bounded: audit_trail.ts); user ids are named through the store, names cached.
 * Bad query values are a 400 with Keystone's error body.
 * @module
 */
import type { Clock, Config } from '@baton/config'
import type { FastifyRequest } from 'fastify'
import { queryArg } from '../api/auth/request_args.ts'
import { apiArea } from '../api/router.ts'
import type { PolicyEnforcer } from '../core/policy_api.ts'
import { ValidationError } from '../errors.ts'
import type { Authenticator } from '../http/authenticate.ts'
import { consoleOptions, delegationOptions, tokenOptions } from '../options.ts'
import { BATON_AUDIT_CALLS, BATON_AUDIT_WINDOWS } from '../policy/index.ts'
import type { Store } from '../store/index.ts'
import { AuditTrailReader } from './audit_trail.ts'
import { type CallFilter, delegatedCalls } from './delegated_calls.ts'
import { expiryWindows, type WindowSettings } from './expiry_windows.ts'

/** What the two routes read: the trail reader, identity's window settings, user names. */
export type AuditSources = {
  readonly reader: AuditTrailReader
  readonly settings: WindowSettings
  /** Names for these user ids (those the store knows), cached. */
  names(ids: Iterable<string>): Promise<ReadonlyMap<string, string>>
  readonly clock: Clock
}

const NAME_CACHE_LIMIT = 2000

export function auditSources(config: Config, store: Store, clock: Clock): AuditSources {
  const token = config.get(tokenOptions)
  const delegation = config.get(delegationOptions)
  const cache = new Map<string, string | null>()
  return {
    reader: new AuditTrailReader(config.get(consoleOptions).audit_trail_files),
    settings: {
      expiration: token.expiration,
      allowExpiredWindow: token.allow_expired_window,
      delegationMaxLifetime: delegation.enabled ? delegation.max_lifetime : null,
    },
    clock,
    async names(ids) {
      for (const id of ids) {
        if (cache.has(id)) continue
        if (cache.size >= NAME_CACHE_LIMIT) cache.clear()
        try {
          cache.set(id, (await store.identity.getUser(id)).name)
        } catch {
          // not a user of this identity (deleted, or another cloud's): shown by id
          cache.set(id, null)
        }
      }
      const known = new Map<string, string>()
      for (const [id, name] of cache) if (name !== null) known.set(id, name)
      return known
    },
  }
}

export type AuditApiContext = {
  readonly authenticate: Authenticator
  readonly policy: PolicyEnforcer
  readonly audit: AuditSources
}

const MAX_LIMIT = 500
const DEFAULT_LIMIT = 50

function optional(request: FastifyRequest, name: string): string | undefined {
  const value = queryArg(request, name)
  return value === undefined || value === '' ? undefined : value
}

/** The query of `GET /v3/OS-BATON/calls`, checked. */
export function callFilter(request: FastifyRequest): CallFilter {
  const outcome = optional(request, 'outcome')
  if (outcome !== undefined && outcome !== 'ok' && outcome !== 'error') {
    throw new ValidationError(`Invalid outcome ${JSON.stringify(outcome)}: ok or error.`)
  }
  const expired = optional(request, 'expired_let_in')
  if (expired !== undefined && expired !== 'true' && expired !== 'false') {
    throw new ValidationError(`Invalid expired_let_in ${JSON.stringify(expired)}: true or false.`)
  }
  const sinceText = optional(request, 'since')
  const since = sinceText === undefined ? undefined : Date.parse(sinceText)
  if (since !== undefined && !Number.isFinite(since)) {
    throw new ValidationError(`Invalid since ${JSON.stringify(sinceText)}: an ISO 8601 time.`)
  }
  const limitText = optional(request, 'limit')
  const limit = limitText === undefined ? DEFAULT_LIMIT : Number(limitText)
  if (!/^\d+$/.test(limitText ?? '1') || limit < 1 || limit > MAX_LIMIT) {
    throw new ValidationError(
      `Invalid limit ${JSON.stringify(limitText)}: a whole number from 1 to ${MAX_LIMIT}.`,
    )
  }
  for (const name of ['user_id', 'service']) {
    if ((optional(request, name)?.length ?? 0) > 255) {
      throw new ValidationError(`Invalid ${name}: longer than 255 characters.`)
    }
  }
  return {
    user: optional(request, 'user_id'),
    service: optional(request, 'service'),
    outcome,
    expiredLetIn: expired === undefined ? undefined : expired === 'true',
    since,
    limit,
  }
}

/** Each configured trail: whether it is there, lines read, junk skipped. */
function trailFacts(audit: AuditSources) {
  return {
    files: audit.reader.files(),
    lines_in_memory: audit.reader.entries().length,
    max_lines: audit.reader.maxLines,
    lines_dropped: audit.reader.dropped,
  }
}

export const auditApi = apiArea<AuditApiContext>('OS-BATON audit', [
  (router, ctx) => {
    router.route('GET', '/v3/OS-BATON/calls', async (request) => {
      const caller = await ctx.authenticate(request)
      ctx.policy.enforce(caller, BATON_AUDIT_CALLS, {})
      const filter = callFilter(request)
      const audit = ctx.audit
      audit.reader.refresh()
      const entries = audit.reader.entries()
      const ids = new Set<string>()
      for (const { line } of entries) {
        if (line.user_id !== undefined) ids.add(line.user_id)
        if (line.service_user_id !== undefined) ids.add(line.service_user_id)
      }
      const names = await audit.names(ids)
      const report = delegatedCalls(entries, filter, (id) => names.get(id))
      return {
        status: 200,
        body: { now: new Date(audit.clock.now()).toISOString(), ...trailFacts(audit), ...report },
        headers: { 'cache-control': 'no-store' },
      }
    })
    router.route('GET', '/v3/OS-BATON/windows', async (request) => {
      const caller = await ctx.authenticate(request)
      ctx.policy.enforce(caller, BATON_AUDIT_WINDOWS, {})
      const audit = ctx.audit
      audit.reader.refresh()
      return {
        status: 200,
        body: {
          now: new Date(audit.clock.now()).toISOString(),
          ...trailFacts(audit),
          ...expiryWindows(audit.reader.entries(), audit.settings),
        },
        headers: { 'cache-control': 'no-store' },
      }
    })
  },
])
