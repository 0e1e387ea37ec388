/**
 * The image service (Glance v2 API subset, default port 9292). Image data is stored in the object
 * service, in the owner's account, with the user's token plus this service's own service token —
 * the hop Glance cannot make. `GET /` and `GET /versions` answer without a token.
 * @module
 */
import type { ServiceSpec } from '../kit/service_app.ts'
import { imageFacts } from '../services.ts'
import { imagesApi } from './images_api.ts'
import { IMAGE_MIGRATIONS } from './model.ts'
import { ObjectHop } from './object_hop.ts'
import { imageOptions } from './options.ts'
import { ImageRepository } from './repository.ts'
import { versionsApi } from './versions_api.ts'

export { imageOptions } from './options.ts'

export const imageService: ServiceSpec = {
  ...imageFacts,
  groups: [imageOptions],
  migrations: IMAGE_MIGRATIONS,
  isPublic: (method, path) =>
    (method === 'GET' || method === 'HEAD') &&
    (path === '/' || path.replace(/\/+$/, '') === '/versions'),
  // the composition root: the repository and the object hop are built here, each API area is a plugin
  register(app, ctx) {
    const repo = new ImageRepository(ctx.db, ctx.clock)
    const interrupted = repo.abandonInterruptedUploads()
    for (const id of interrupted) {
      ctx.log(
        `image ${id} was saving when the service stopped: its upload cannot finish, image left queued`,
      )
    }
    const hop = new ObjectHop(ctx, ctx.config.get(imageOptions).container)
    app.register(versionsApi, { ctx })
    app.register(imagesApi, { ctx, repo, hop })
  },
}
