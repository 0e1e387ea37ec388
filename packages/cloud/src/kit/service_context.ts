/**
 * What a reference service's routes and jobs are handed (service_app.ts builds it): its config,
 * database, middleware, audit trail, next hop, jobs and clock. Its own module so the kit's parts
 * that take it (operations, request values, every service's routes) do not import the builder.
 * @module
 */
import type { Clock, IdentityPlugin } from '@baton/client'
import type { Config } from '@baton/config'
import type { AuthToken, RequestIdentity } from '@baton/middleware'
import type { FastifyRequest } from 'fastify'
import type { AuditLog } from './audit.ts'
import type { ServiceDatabase } from './database.ts'
import type { Delegation, NextHop } from './delegation.ts'
import type { JobRunner } from './jobs.ts'

export type ServiceContext = {
  readonly name: string
  readonly config: Config
  readonly db: ServiceDatabase
  readonly dataDir: string
  readonly auth: AuthToken
  readonly serviceAuth: IdentityPlugin | null
  readonly audit: AuditLog
  readonly next: NextHop
  readonly jobs: JobRunner
  readonly clock: Clock
  /** The identity the middleware established (always present on guarded routes). */
  identity(request: FastifyRequest): RequestIdentity
  /** What a background job keeps to act for the request's user later. */
  delegation(request: FastifyRequest): Delegation
  log(message: string): void
}
