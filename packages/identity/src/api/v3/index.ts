/**
 * The v3 resource API: every Keystone resource route Baton serves besides /v3/auth/*, with
 * Keystone's paths, bodies, status codes, filters and policy actions.
 * @example
 * buildIdentityApp({ config, routes: (app, http) =>
 *   registerResourceRoutes(app, { ...http, config, store, policy, clock, authenticate }) })
 * @module
 */
import type { FastifyInstance } from 'fastify'
import type { ApiContext } from '../context.ts'
import { registerApplicationCredentialRoutes } from './application_credentials.ts'
import { registerCatalogRoutes } from './catalog.ts'
import { registerDomainRoutes } from './domains.ts'
import { registerGrantRoutes } from './grants.ts'
import { registerGroupRoutes } from './groups.ts'
import { registerImpliedRoleRoutes } from './implied_roles.ts'
import { registerKeyFingerprintRoutes } from './key_fingerprints.ts'
import { registerProjectTagRoutes } from './project_tags.ts'
import { registerProjectRoutes } from './projects.ts'
import { registerRevokeEventRoutes } from './revoke_events.ts'
import { registerRoleAssignmentRoutes } from './role_assignments.ts'
import { registerRoleRoutes } from './roles.ts'
import { Router } from './route_kit.ts'
import { registerSystemGrantRoutes } from './system_grants.ts'
import { registerUserLinkRoutes } from './user_links.ts'
import { registerUserRoutes } from './users.ts'

/** Registers the routes; returns the (method, path) pairs it registered, for tests and docs. */
export function registerResourceRoutes(
  app: FastifyInstance,
  ctx: ApiContext,
): [method: string, url: string][] {
  const router = new Router(app)
  registerDomainRoutes(router, ctx)
  registerProjectRoutes(router, ctx)
  registerProjectTagRoutes(router, ctx)
  registerUserRoutes(router, ctx)
  registerUserLinkRoutes(router, ctx)
  registerApplicationCredentialRoutes(router, ctx)
  registerGroupRoutes(router, ctx)
  registerRoleRoutes(router, ctx)
  registerImpliedRoleRoutes(router, ctx)
  registerGrantRoutes(router, ctx)
  registerSystemGrantRoutes(router, ctx)
  registerRoleAssignmentRoutes(router, ctx)
  registerCatalogRoutes(router, ctx)
  registerRevokeEventRoutes(router, ctx)
  registerKeyFingerprintRoutes(router, ctx)
  // werkzeug answers 405 for a known path with another method
  router.finish()
  return router.registered()
}
