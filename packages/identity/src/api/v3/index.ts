/**
 * The v3 resource API: every Keystone resource route Baton serves besides /v3/auth/*, with
 * Keystone's paths, bodies, status codes, filters and policy actions.
 * Grouped into API areas (fastify plugins) registered by the composition root.
 * @example
 * buildIdentityApp({ config, routes: (app, http) =>
 *   registerResourceRoutes(app, { ...http, config, store, policy, clock, authenticate }) })
 * @module
 */
import type { FastifyInstance } from 'fastify'
import type { ApiContext } from '../context.ts'
import { apiArea } from '../router.ts'
import { registerAccessRuleRoutes } from './access_rules.ts'
import { registerApplicationCredentialRoutes } from './application_credentials.ts'
import { registerCatalogRoutes } from './catalog.ts'
import { registerDomainConfigRoutes } from './domain_config.ts'
import { registerDomainRoutes } from './domains.ts'
import { registerEndpointFilterRoutes } from './endpoint_filter.ts'
import { registerGrantRoutes } from './grants.ts'
import { registerGroupRoutes } from './groups.ts'
import { registerImpliedRoleRoutes } from './implied_roles.ts'
import { registerKeyFingerprintRoutes } from './key_fingerprints.ts'
import { registerLimitRoutes } from './limits.ts'
import { registerConsumerRoutes } from './oauth1_consumers.ts'
import { registerOAuth1TokenRoutes } from './oauth1_tokens.ts'
import { registerPolicyRoutes } from './policies.ts'
import { registerProjectTagRoutes } from './project_tags.ts'
import { registerProjectRoutes } from './projects.ts'
import { registerRevokeEventRoutes } from './revoke_events.ts'
import { registerRoleAssignmentRoutes } from './role_assignments.ts'
import { registerRoleRoutes } from './roles.ts'
import { registerSystemGrantRoutes } from './system_grants.ts'
import { registerTrustRoutes } from './trusts.ts'
import { registerUserLinkRoutes } from './user_links.ts'
import { registerUserRoutes } from './users.ts'

/**
 * The resource API areas, each a fastify plugin owning its paths (and their 405s). The order is
 * registration order; no path spans two areas.
 */
export const resourceApis = [
  apiArea<ApiContext>('resources', [
    registerDomainRoutes,
    registerProjectRoutes,
    registerProjectTagRoutes,
  ]),
  apiArea<ApiContext>('identity', [
    registerUserRoutes,
    registerUserLinkRoutes,
    registerGroupRoutes,
  ]),
  apiArea<ApiContext>('application-credentials', [
    registerApplicationCredentialRoutes,
    registerAccessRuleRoutes,
  ]),
  apiArea<ApiContext>('assignment', [
    registerRoleRoutes,
    registerImpliedRoleRoutes,
    registerGrantRoutes,
    registerSystemGrantRoutes,
    registerRoleAssignmentRoutes,
  ]),
  apiArea<ApiContext>('catalog', [registerCatalogRoutes]),
  apiArea<ApiContext>('endpoint-filter', [registerEndpointFilterRoutes]),
  apiArea<ApiContext>('domain-config', [registerDomainConfigRoutes]),
  apiArea<ApiContext>('revocation', [registerRevokeEventRoutes]),
  apiArea<ApiContext>('fernet-keys', [registerKeyFingerprintRoutes]),
  apiArea<ApiContext>('unified-limits', [registerLimitRoutes]),
  apiArea<ApiContext>('policies', [registerPolicyRoutes]),
  apiArea<ApiContext>('trusts', [registerTrustRoutes]),
  apiArea<ApiContext>('oauth1', [registerConsumerRoutes, registerOAuth1TokenRoutes]),
] as const

/**
 * Registers every resource area; returns the (method, path) pairs they register (for tests and
 * docs), filled once the app is ready (fastify loads plugins at `ready()`).
 */
export function registerResourceRoutes(
  app: FastifyInstance,
  ctx: ApiContext,
): [method: string, url: string][] {
  const registered: [string, string][] = []
  for (const area of resourceApis) app.register(area, { ctx, registered })
  return registered
}
