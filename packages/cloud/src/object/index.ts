/**
 * The object service (Swift API subset, default port 8080): accounts are projects
 * (`/v1/AUTH_<project_id>`), containers and objects live in the service's data dir, and object
 * bodies stream to and from disk. `GET /info` answers without a token, as Swift's does.
 * @module
 */
import type { ServiceSpec } from '../kit/service_app.ts'
import { objectFacts } from '../services.ts'
import { swiftConstraints } from './options.ts'
import { registerObjectRoutes } from './routes.ts'
import { OBJECT_MIGRATIONS, ObjectStore } from './store.ts'

export { swiftConstraints } from './options.ts'

export const objectService: ServiceSpec = {
  ...objectFacts,
  groups: [swiftConstraints],
  migrations: OBJECT_MIGRATIONS,
  isPublic: (method, path) =>
    (method === 'GET' || method === 'HEAD') && path.replace(/\/+$/, '') === '/info',
  register(app, ctx) {
    const store = new ObjectStore(ctx.db, ctx.dataDir, ctx.clock)
    const swept = store.sweep()
    if (swept > 0)
      ctx.log(`removed ${swept} partial or orphaned object file(s) left by an earlier run`)
    const limits = ctx.config.get(swiftConstraints)
    app.get('/info', async () => ({
      swift: {
        version: '2.30.0',
        max_file_size: limits.max_file_size,
        max_object_name_length: limits.max_object_name_length,
        max_container_name_length: limits.max_container_name_length,
        container_listing_limit: limits.container_listing_limit,
        account_listing_limit: limits.account_listing_limit,
        account_autocreate: true,
        allow_account_management: false,
        policies: [{ name: 'Policy-0', default: true }],
      },
    }))
    registerObjectRoutes(app, ctx, store)
  },
}
