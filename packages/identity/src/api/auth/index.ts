/**
 * The `/v3/auth` API area: tokens and scope discovery.
 * @module
 */
import type { FastifyInstance } from 'fastify'
import { authSettings, createAuthService } from '../../core/auth/index.ts'
import { registerScopeRoutes } from './scope_routes.ts'
import { type AuthRoutesContext, registerTokenRoutes } from './token_routes.ts'

export type { AuthRoutesContext } from './token_routes.ts'

export function registerAuthRoutes(app: FastifyInstance, ctx: AuthRoutesContext): void {
  const auth = createAuthService({
    store: ctx.store,
    tokens: ctx.tokens,
    settings: authSettings(ctx.config),
    clock: ctx.clock,
  })
  registerTokenRoutes(app, ctx, auth)
  registerScopeRoutes(app, ctx)
}
