/**
 * The `/v3/auth` API area: tokens and scope discovery, as one fastify plugin. The services it
 * uses (`tokens`, `auth`) arrive built from the composition root (server/identity_server.ts).
 * @module
 */
import type { FastifyInstance } from 'fastify'
import { apiArea } from '../router.ts'
import { registerScopeRoutes } from './scope_routes.ts'
import { type AuthRoutesContext, registerTokenRoutes } from './token_routes.ts'

export type { AuthRoutesContext } from './token_routes.ts'

export const authApi = apiArea<AuthRoutesContext>('auth', [
  registerTokenRoutes,
  registerScopeRoutes,
])

/** Registers the area; `registered` fills with its (method, path) pairs once the app is ready. */
export function registerAuthRoutes(
  app: FastifyInstance,
  ctx: AuthRoutesContext,
): [method: string, url: string][] {
  const registered: [string, string][] = []
  app.register(authApi, { ctx, registered })
  return registered
}
