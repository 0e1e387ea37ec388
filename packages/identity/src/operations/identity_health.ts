/**
 * The identity server's detailed `/healthcheck` view (`[healthcheck] detailed = true`), shown only
 * to a caller whose X-Auth-Token passes `admin_required`; everyone else, and every failed
 * validation, gets the plain view (never a 401: load balancers call without tokens). The facts:
 * the database answers, the token keys are loaded (count, primary age), the in-process caches'
 * sizes and hit counts, and the fleet (each node's heartbeat, liveness, staged key, clock skew).
 * A failing fact is reported here, not turned into a 503: like oslo's, the status
 * comes from the configured backends only.
 * @module
 */
import { arch, platform, release } from 'node:os'
import type { Clock, HealthcheckDetails } from '@baton/config'
import type { KeyRepositoryStatus } from '@baton/fernet'
import type { FastifyRequest } from 'fastify'
import type { ValidationCache } from '../cache/index.ts'
import type { Authenticator } from '../http/authenticate.ts'
import type { Store } from '../store/index.ts'
import type { FleetView } from './fleet_view.ts'

export type HealthSources = {
  readonly store: Store
  readonly loadedKeyCount: () => number
  readonly keyStatus: () => KeyRepositoryStatus | undefined
  readonly cache: ValidationCache | undefined
  readonly fleet: () => Promise<FleetView>
  readonly clock: Clock
  readonly authenticate: Authenticator
  readonly isAdmin: (caller: Awaited<ReturnType<Authenticator>>) => boolean
}

/** The detailed facts for an admin caller, else undefined (the plain view). */
export function detailedHealth(
  sources: HealthSources,
): (request: FastifyRequest) => Promise<HealthcheckDetails | undefined> {
  return async (request) => {
    if (request.headers['x-auth-token'] === undefined) return undefined
    try {
      if (!sources.isAdmin(await sources.authenticate(request))) return undefined
    } catch {
      return undefined
    }
    return {
      now: new Date(sources.clock.now()).toISOString(),
      platform: `${platform()}-${release()}-${arch()}`,
      node_version: process.version,
      baton: {
        database: await databaseFact(sources.store),
        keys: keyFact(sources),
        cache: cacheFact(sources.cache),
        fleet: await fleetFact(sources),
      },
    }
  }
}

/** A database that does not answer within this is reported unreachable. */
const DATABASE_CHECK_MS = 2000

async function databaseFact(store: Store): Promise<Record<string, unknown>> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), DATABASE_CHECK_MS)
    timer.unref()
  })
  try {
    await Promise.race([store.generation.current(), timeout])
    return { reachable: true }
  } catch (error) {
    // the driver's message names the failure, never the connection URL's password
    const reason = error instanceof Error ? error.constructor.name : 'error'
    return { reachable: false, error: reason }
  } finally {
    clearTimeout(timer)
  }
}

function keyFact(sources: HealthSources): Record<string, unknown> {
  const loaded = sources.loadedKeyCount()
  const status = sources.keyStatus()
  const primary = status?.keys.find((k) => k.role === 'primary')
  return {
    loaded: loaded > 0,
    count: loaded,
    primary_age_seconds: primary?.ageSeconds ?? null,
    earliest_safe_rotation:
      status?.earliestSafeRotation === null || status === undefined
        ? null
        : new Date(status.earliestSafeRotation).toISOString(),
  }
}

async function fleetFact(sources: HealthSources): Promise<Record<string, unknown>> {
  try {
    return { ...(await sources.fleet()) }
  } catch (error) {
    return { error: error instanceof Error ? error.constructor.name : 'error' }
  }
}

function cacheFact(cache: ValidationCache | undefined): Record<string, unknown> {
  if (cache === undefined) return { kind: 'none' }
  let hits = 0
  let misses = 0
  for (const memo of Object.values(cache)) {
    hits += memo.stats.hits
    misses += memo.stats.misses
  }
  return { kind: 'in-process', reachable: true, hits, misses }
}
