/**
 * `[delegation]` (options/delegation_options.ts) resolved once per server, so the delegation
 * endpoints and the identity-side audience check never touch the config registry per request.
 * @module
 */
import type { Config } from '@baton/config'
import { delegationOptions } from '../../options.ts'

export interface DelegationSettings {
  readonly enabled: boolean
  /** Lower-case role names; the actor needs one of them. */
  readonly actorRoles: ReadonlySet<string>
  readonly maxLifetimeSeconds: number
  readonly maxAudience: number
  readonly maxActors: number
  /** Service user name or id -> the service types it serves (audience enforcement). */
  readonly serviceTypes: ReadonlyMap<string, readonly string[]>
}

export const DEFAULT_DELEGATION_SETTINGS: DelegationSettings = {
  enabled: true,
  actorRoles: new Set(['service']),
  maxLifetimeSeconds: 86400,
  maxAudience: 16,
  maxActors: 8,
  serviceTypes: new Map(),
}

/** `user:type1+type2` values: the types, trimmed, empty ones dropped. */
export function parseServiceTypes(
  raw: Readonly<Record<string, string>>,
): ReadonlyMap<string, readonly string[]> {
  const out = new Map<string, readonly string[]>()
  for (const [user, types] of Object.entries(raw)) {
    const list = types
      .split('+')
      .map((t) => t.trim())
      .filter((t) => t !== '')
    if (user.trim() !== '') out.set(user.trim(), list)
  }
  return out
}

export function delegationSettings(config: Config): DelegationSettings {
  const o = config.get(delegationOptions)
  return {
    enabled: o.enabled,
    actorRoles: new Set(o.actor_roles.map((r) => r.toLowerCase())),
    maxLifetimeSeconds: o.max_lifetime,
    maxAudience: o.max_audience,
    maxActors: o.max_actors,
    serviceTypes: parseServiceTypes(o.service_types),
  }
}
