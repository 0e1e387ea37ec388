/**
 * What the Swift API areas (account, container, object) have in common: the dependencies the
 * service's composition root (`index.ts`) hands them, and the shape of an area, a handler per
 * method for paths at its level of `/v1/<account>[/<container>[/<object>]]`.
 * @module
 */
import type { GroupValues } from '@baton/config'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { ServiceContext } from '../kit/service_context.ts'
import type { swiftConstraints } from './options.ts'
import type { ObjectStore } from './store.ts'
import type { Target } from './swift_http.ts'

/** `[swift-constraints]`, read once at the composition root. */
export type SwiftLimits = GroupValues<(typeof swiftConstraints)['options']>

export type SwiftDeps = {
  readonly ctx: ServiceContext
  readonly store: ObjectStore
  readonly limits: SwiftLimits
}

export type SwiftMethod = 'GET' | 'HEAD' | 'PUT' | 'POST' | 'DELETE'

/** Runs once the path is parsed and the token may use its account. */
export type LevelHandler = (
  request: FastifyRequest,
  reply: FastifyReply,
  target: Target,
) => Promise<FastifyReply>

export type LevelApi = Readonly<Record<SwiftMethod, LevelHandler>>

export function listLimits(limits: SwiftLimits): { account: number; container: number } {
  return { account: limits.account_listing_limit, container: limits.container_listing_limit }
}

export function headerValue(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name]
  if (value === undefined) return undefined
  return Array.isArray(value) ? value.join(',') : value
}
