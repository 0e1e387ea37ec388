/**
 * /v3/projects/{id}/tags[/{tag}] (keystone/api/projects.py ProjectTagsResource,
 * ProjectTagResource), with Keystone's own envelope: `links.self` is `full_url()` without a path,
 * i.e. `<endpoint>/v3`, and `PUT .../tags/{tag}` answers 201 with an empty body and a Location
 * of `<endpoint>/v3/<project_id>/tags/<tag>` (sic).
 * @module
 */
import type { FastifyRequest } from 'fastify'
import {
  addProjectTag,
  checkProjectTag,
  listProjectTags,
  removeProjectTag,
  replaceProjectTags,
} from '../../core/resources/project_tags.ts'
import { validate } from '../../core/resources/schema_validator.ts'
import { projectTagSchema, projectTagsSchema } from '../../core/resources/schemas.ts'
import type { ApiContext } from '../context.ts'
import { noContent, ok, type Router } from '../router.ts'
import { projectTarget } from './projects.ts'
import { authorize, baseUrl, bodyMember, param } from './route_kit.ts'

export function registerProjectTagRoutes(router: Router, ctx: ApiContext): void {
  const target = (req: FastifyRequest) => () => projectTarget(ctx, param(req, 'project_id'))
  const envelope = (req: FastifyRequest, tags: readonly string[]) => {
    const at = req.url.indexOf('?')
    return { links: { self: baseUrl(ctx, req) + (at === -1 ? '' : req.url.slice(at)) }, tags }
  }
  const tags = '/v3/projects/:project_id/tags'
  const tag = '/v3/projects/:project_id/tags/:value'

  router.route('GET', tags, async (req) => {
    await authorize(ctx, req, 'identity:list_project_tags', target(req))
    return ok(envelope(req, await listProjectTags(ctx.store, param(req, 'project_id'))))
  })

  router.route('PUT', tags, async (req) => {
    await authorize(ctx, req, 'identity:update_project_tags', target(req))
    const list = bodyMember(req, 'tags')
    validate(projectTagsSchema, list)
    const id = param(req, 'project_id')
    const stored = await ctx.store.transaction((store) =>
      replaceProjectTags(store, id, list as string[]),
    )
    return ok(envelope(req, stored))
  })

  router.route('DELETE', tags, async (req) => {
    await authorize(ctx, req, 'identity:delete_project_tags', target(req))
    const id = param(req, 'project_id')
    await ctx.store.transaction((store) => replaceProjectTags(store, id, []))
    return noContent()
  })

  router.route('GET', tag, async (req) => {
    await authorize(ctx, req, 'identity:get_project_tag', target(req))
    await checkProjectTag(ctx.store, param(req, 'project_id'), param(req, 'value'))
    return noContent()
  })

  router.route('PUT', tag, async (req) => {
    await authorize(ctx, req, 'identity:create_project_tag', target(req))
    const id = param(req, 'project_id')
    const value = param(req, 'value')
    validate(projectTagSchema, value)
    // the new list must still be a valid tag list (80 at most, no duplicates)
    validate(projectTagsSchema, [...(await listProjectTags(ctx.store, id)), value])
    await ctx.store.transaction((store) => addProjectTag(store, id, value))
    // header values must stay printable ASCII: anything else is percent-encoded
    const location = `${baseUrl(ctx, req)}/${id}/tags/${value}`.replace(/[^\x21-\x7e]/gu, (ch) =>
      encodeURIComponent(ch),
    )
    return { status: 201, headers: { location } }
  })

  router.route('DELETE', tag, async (req) => {
    await authorize(ctx, req, 'identity:delete_project_tag', target(req))
    const id = param(req, 'project_id')
    await ctx.store.transaction((store) => removeProjectTag(store, id, param(req, 'value')))
    return noContent()
  })
}
