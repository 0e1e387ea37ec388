/**
 * OS-EP-FILTER (keystone/api/os_ep_filter.py): endpoint groups, the project<->endpoint and
 * project<->endpoint-group associations, and their listings, with Keystone's order of checks
 * (policy first, then the lookups each resource makes, so an unknown project or endpoint is a 404
 * after policy). Group members link to `/v3/OS-EP-FILTER/endpoint_groups/{id}`; a group-project
 * association's `self` link is the bare path Keystone gives it.
 * @module
 */
import type { FastifyRequest } from 'fastify'
import { endpointsForProject, endpointsOfGroup } from '../../core/resources/endpoint_filter.ts'
import {
  checkEndpointGroupBody,
  endpointGroupCreate,
  endpointGroupUpdate,
} from '../../core/resources/endpoint_group_schemas.ts'
import { newId, renderEndpoint, renderProject } from '../../core/resources/entities.ts'
import { buildHints, matchesFilters } from '../../core/resources/query_filters.ts'
import { type Schema, validate } from '../../core/resources/schema_validator.ts'
import { ValidationError } from '../../errors.ts'
import type { EndpointGroup, JsonObject } from '../../store/index.ts'
import type { ApiContext } from '../context.ts'
import { created, noContent, ok, type Router } from '../router.ts'
import { authorize, bodyMember, param, queryArgs, wrapCollection, wrapMember } from './route_kit.ts'

const PREFIX = '/v3/OS-EP-FILTER'
const GROUPS = 'OS-EP-FILTER/endpoint_groups'

function renderGroup(group: EndpointGroup): Record<string, unknown> {
  return {
    id: group.id,
    name: group.name,
    description: group.description,
    filters: group.filters,
  }
}

/** `request_body_json.get('endpoint_group', {})`, validated as Keystone validates it. */
function groupBody(req: FastifyRequest, schema: Schema, creating: boolean): JsonObject {
  const value = bodyMember(req, 'endpoint_group')
  validate(schema, value)
  const body = value as JsonObject
  checkEndpointGroupBody(body, creating)
  return body
}

export function registerEndpointFilterRoutes(router: Router, ctx: ApiContext): void {
  const { store } = ctx
  const group = (req: FastifyRequest, g: EndpointGroup) =>
    wrapMember(ctx, req, 'endpoint_group', GROUPS, renderGroup(g))
  const projectsBody = async (req: FastifyRequest, projectIds: readonly string[]) => {
    const projects = []
    for (const id of projectIds) projects.push(renderProject(await store.resource.getProject(id)))
    return ok(wrapCollection(ctx, req, 'projects', 'projects', projects))
  }
  const endpointsBody = (req: FastifyRequest, endpoints: Parameters<typeof renderEndpoint>[0][]) =>
    ok(wrapCollection(ctx, req, 'endpoints', 'endpoints', endpoints.map(renderEndpoint)))

  // endpoint groups
  router.route('GET', `${PREFIX}/endpoint_groups`, async (req) => {
    // keystone passes filters=('name'), a string: only the exact `name` filter takes effect
    const hints = buildHints(queryArgs(req), ['name']).filter((f) => f.comparator === 'equals')
    await authorize(ctx, req, 'identity:list_endpoint_groups', { filters: hints })
    const refs = (await store.endpointFilter.listEndpointGroups())
      .map(renderGroup)
      .filter((g) => matchesFilters(g, hints))
    return ok(wrapCollection(ctx, req, 'endpoint_groups', GROUPS, refs))
  })
  router.route('POST', `${PREFIX}/endpoint_groups`, async (req) => {
    await authorize(ctx, req, 'identity:create_endpoint_group')
    const body = groupBody(req, endpointGroupCreate, true)
    const created_ = await store.endpointFilter.createEndpointGroup({
      id: newId(),
      name: body.name as string,
      description: (body.description as string | null | undefined) ?? null,
      filters: body.filters as JsonObject,
    })
    return created(group(req, created_))
  })
  const member = `${PREFIX}/endpoint_groups/:endpoint_group_id`
  router.route('GET', member, async (req) => {
    await authorize(ctx, req, 'identity:get_endpoint_group')
    return ok(
      group(req, await store.endpointFilter.getEndpointGroup(param(req, 'endpoint_group_id'))),
    )
  })
  router.route('PATCH', member, async (req) => {
    await authorize(ctx, req, 'identity:update_endpoint_group')
    const body = groupBody(req, endpointGroupUpdate, false)
    const id = param(req, 'endpoint_group_id')
    if (body.id !== undefined && body.id !== null && body.id !== id) {
      throw new ValidationError('Cannot change ID')
    }
    const updated = await store.endpointFilter.updateEndpointGroup(id, {
      ...(body.name === undefined ? {} : { name: body.name as string }),
      ...(body.description === undefined ? {} : { description: body.description as string | null }),
      ...(body.filters === undefined ? {} : { filters: body.filters as JsonObject }),
    })
    return ok(group(req, updated))
  })
  router.route('DELETE', member, async (req) => {
    await authorize(ctx, req, 'identity:delete_endpoint_group')
    await store.endpointFilter.deleteEndpointGroup(param(req, 'endpoint_group_id'))
    return noContent()
  })
  router.route('GET', `${member}/endpoints`, async (req) => {
    await authorize(ctx, req, 'identity:list_endpoints_associated_with_endpoint_group')
    return endpointsBody(req, await endpointsOfGroup(store, param(req, 'endpoint_group_id')))
  })
  router.route('GET', `${member}/projects`, async (req) => {
    await authorize(ctx, req, 'identity:list_projects_associated_with_endpoint_group')
    const id = param(req, 'endpoint_group_id')
    return projectsBody(req, await store.endpointFilter.listProjectIdsForEndpointGroup(id))
  })

  // endpoint group <-> project
  const groupProject = `${member}/projects/:project_id`
  const groupAndProject = async (req: FastifyRequest) => {
    const projectId = param(req, 'project_id')
    const groupId = param(req, 'endpoint_group_id')
    await store.resource.getProject(projectId)
    await store.endpointFilter.getEndpointGroup(groupId)
    return { groupId, projectId }
  }
  router.route('GET', groupProject, async (req) => {
    await authorize(ctx, req, 'identity:get_endpoint_group_in_project')
    const { groupId, projectId } = await groupAndProject(req)
    await store.endpointFilter.getEndpointGroupInProject(groupId, projectId)
    const self = `/OS-EP-FILTER/endpoint_groups/${groupId}/projects/${projectId}`
    return ok({
      project_endpoint_group: {
        endpoint_group_id: groupId,
        project_id: projectId,
        links: { self },
      },
    })
  })
  router.route('PUT', groupProject, async (req) => {
    await authorize(ctx, req, 'identity:add_endpoint_group_to_project')
    const { groupId, projectId } = await groupAndProject(req)
    await store.endpointFilter.addEndpointGroupToProject(groupId, projectId)
    return noContent()
  })
  router.route('DELETE', groupProject, async (req) => {
    await authorize(ctx, req, 'identity:remove_endpoint_group_from_project')
    const { groupId, projectId } = await groupAndProject(req)
    await store.endpointFilter.removeEndpointGroupFromProject(groupId, projectId)
    return noContent()
  })

  // project -> endpoints and endpoint groups
  router.route('GET', `${PREFIX}/projects/:project_id/endpoints`, async (req) => {
    await authorize(ctx, req, 'identity:list_endpoints_for_project')
    const projectId = param(req, 'project_id')
    await store.resource.getProject(projectId)
    return endpointsBody(req, await endpointsForProject(store, projectId))
  })
  router.route('GET', `${PREFIX}/projects/:project_id/endpoint_groups`, async (req) => {
    await authorize(ctx, req, 'identity:list_endpoint_groups_for_project')
    const projectId = param(req, 'project_id')
    await store.resource.getProject(projectId)
    const groups = []
    for (const id of await store.endpointFilter.listEndpointGroupIdsForProject(projectId)) {
      groups.push(renderGroup(await store.endpointFilter.getEndpointGroup(id)))
    }
    return ok(wrapCollection(ctx, req, 'endpoint_groups', GROUPS, groups))
  })

  // project <-> endpoint
  const projectEndpoint = `${PREFIX}/projects/:project_id/endpoints/:endpoint_id`
  const endpointAndProject = async (req: FastifyRequest) => {
    const endpointId = param(req, 'endpoint_id')
    const projectId = param(req, 'project_id')
    await store.catalog.getEndpoint(endpointId)
    await store.resource.getProject(projectId)
    return { endpointId, projectId }
  }
  router.route('GET', projectEndpoint, async (req) => {
    await authorize(ctx, req, 'identity:check_endpoint_in_project')
    const { endpointId, projectId } = await endpointAndProject(req)
    await store.endpointFilter.getEndpointInProject(endpointId, projectId)
    return noContent()
  })
  router.route('PUT', projectEndpoint, async (req) => {
    await authorize(ctx, req, 'identity:add_endpoint_to_project')
    const { endpointId, projectId } = await endpointAndProject(req)
    await store.endpointFilter.addEndpointToProject(endpointId, projectId)
    return noContent()
  })
  router.route('DELETE', projectEndpoint, async (req) => {
    await authorize(ctx, req, 'identity:remove_endpoint_from_project')
    const endpointId = param(req, 'endpoint_id')
    await store.endpointFilter.removeEndpointFromProject(endpointId, param(req, 'project_id'))
    return noContent()
  })
  router.route('GET', `${PREFIX}/endpoints/:endpoint_id/projects`, async (req) => {
    await authorize(ctx, req, 'identity:list_projects_for_endpoint')
    const endpointId = param(req, 'endpoint_id')
    await store.catalog.getEndpoint(endpointId)
    return projectsBody(req, await store.endpointFilter.listProjectIdsForEndpoint(endpointId))
  })
}
