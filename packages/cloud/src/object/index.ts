/**
 * The object service (Swift API subset, default port 8080): accounts are projects
 * (`/v1/AUTH_<project_id>`), containers and objects live in the service's data dir, and object
 * bodies stream to and from disk. `GET /info` answers without a token, as Swift's does.
 * @module
 */
import type { ServiceSpec } from '../kit/service_app.ts'
import { objectFacts } from '../services.ts'
import { infoApi } from './info_api.ts'
import { swiftConstraints } from './options.ts'
import { OBJECT_MIGRATIONS, ObjectStore } from './store.ts'
import { swiftApi } from './swift_api.ts'

export { swiftConstraints } from './options.ts'

export const objectService: ServiceSpec = {
  ...objectFacts,
  groups: [swiftConstraints],
  migrations: OBJECT_MIGRATIONS,
  isPublic: (method, path) =>
    (method === 'GET' || method === 'HEAD') && path.replace(/\/+$/, '') === '/info',
  // the composition root: the store and limits are built here, each API area is a plugin
  register(app, ctx) {
    const store = new ObjectStore(ctx.db, ctx.dataDir, ctx.clock)
    const swept = store.sweep()
    if (swept > 0)
      ctx.log(`removed ${swept} partial or orphaned object file(s) left by an earlier run`)
    const limits = ctx.config.get(swiftConstraints)
    app.register(infoApi, { limits })
    app.register(swiftApi, { ctx, store, limits })
  },
}
