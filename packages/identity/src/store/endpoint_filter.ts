/**
 * OS-EP-FILTER storage (migration 0011): endpoint groups and the two project associations, with
 * Keystone's sql driver messages (keystone/catalog/backends/sql.py). Deleting a project, an
 * endpoint or a group removes its associations through ON DELETE CASCADE.
 * @module
 */
import type { Selectable } from 'kysely'
import { EndpointGroupNotFound, NotFound } from '../errors.ts'
import { decodeJson, encodeJson, type JsonObject } from './codecs.ts'
import type { StoreContext } from './context.ts'
import type { EndpointGroupTable } from './schema.ts'
import { conflict, notFound, rethrowConflict } from './store_errors.ts'

export interface EndpointGroup {
  readonly id: string
  readonly name: string
  readonly description: string | null
  /** Keys among service_id, region_id and interface (checked by the API). */
  readonly filters: JsonObject
}

export interface EndpointGroupPatch {
  readonly name?: string
  readonly description?: string | null
  readonly filters?: JsonObject
}

export interface EndpointFilterRepository {
  createEndpointGroup(group: EndpointGroup): Promise<EndpointGroup>
  getEndpointGroup(id: string): Promise<EndpointGroup>
  listEndpointGroups(): Promise<EndpointGroup[]>
  updateEndpointGroup(id: string, patch: EndpointGroupPatch): Promise<EndpointGroup>
  deleteEndpointGroup(id: string): Promise<void>
  addEndpointToProject(endpointId: string, projectId: string): Promise<void>
  /** NotFound unless the endpoint is associated with the project. */
  getEndpointInProject(endpointId: string, projectId: string): Promise<void>
  removeEndpointFromProject(endpointId: string, projectId: string): Promise<void>
  listEndpointIdsForProject(projectId: string): Promise<string[]>
  listProjectIdsForEndpoint(endpointId: string): Promise<string[]>
  addEndpointGroupToProject(groupId: string, projectId: string): Promise<void>
  /** NotFound unless the group is associated with the project. */
  getEndpointGroupInProject(groupId: string, projectId: string): Promise<void>
  removeEndpointGroupFromProject(groupId: string, projectId: string): Promise<void>
  listEndpointGroupIdsForProject(projectId: string): Promise<string[]>
  listProjectIdsForEndpointGroup(groupId: string): Promise<string[]>
}

function toGroup(row: Selectable<EndpointGroupTable>): EndpointGroup {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    filters: decodeJson(row.filters),
  }
}

const notInProject = (endpointId: string, projectId: string) =>
  new NotFound(`Endpoint ${endpointId} not found in project ${projectId}`)
const groupNotInProject = () => new NotFound('Endpoint Group Project Association not found')

export function createEndpointFilterRepository(ctx: StoreContext): EndpointFilterRepository {
  const { db } = ctx
  const getEndpointGroup = async (id: string) => {
    const row = await db
      .selectFrom('endpoint_group')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    if (row === undefined) throw notFound(EndpointGroupNotFound, 'Endpoint Group', id)
    return toGroup(row)
  }
  const projectEndpoint = (endpointId: string, projectId: string) =>
    db
      .selectFrom('project_endpoint')
      .select('endpoint_id')
      .where('endpoint_id', '=', endpointId)
      .where('project_id', '=', projectId)
      .executeTakeFirst()
  const projectGroup = (groupId: string, projectId: string) =>
    db
      .selectFrom('project_endpoint_group')
      .select('endpoint_group_id')
      .where('endpoint_group_id', '=', groupId)
      .where('project_id', '=', projectId)
      .executeTakeFirst()
  /** keystone handle_conflicts with two bare-ID arguments: "Duplicate entry". */
  const insertAssociation = async (type: string, insert: () => Promise<unknown>) => {
    try {
      await insert()
    } catch (error) {
      const duplicate = () => conflict(type, 'Duplicate entry')
      rethrowConflict(error, type, '', duplicate, duplicate)
    }
  }
  return {
    async createEndpointGroup(group) {
      try {
        await db
          .insertInto('endpoint_group')
          .values({
            id: group.id,
            name: group.name,
            description: group.description,
            filters: encodeJson(group.filters),
          })
          .execute()
      } catch (error) {
        rethrowConflict(error, 'endpoint_group', group.id, () => conflict('endpoint_group', ''))
      }
      return getEndpointGroup(group.id)
    },
    getEndpointGroup,
    async listEndpointGroups() {
      return (await db.selectFrom('endpoint_group').selectAll().orderBy('id').execute()).map(
        toGroup,
      )
    },
    async updateEndpointGroup(id, patch) {
      await getEndpointGroup(id)
      const set: { name?: string; description?: string | null; filters?: string } = {}
      if (patch.name !== undefined) set.name = patch.name
      if (patch.description !== undefined) set.description = patch.description
      if (patch.filters !== undefined) set.filters = encodeJson(patch.filters)
      if (Object.keys(set).length > 0) {
        await db.updateTable('endpoint_group').set(set).where('id', '=', id).execute()
      }
      return getEndpointGroup(id)
    },
    async deleteEndpointGroup(id) {
      const result = await db.deleteFrom('endpoint_group').where('id', '=', id).executeTakeFirst()
      if (Number(result.numDeletedRows) === 0) {
        throw notFound(EndpointGroupNotFound, 'Endpoint Group', id)
      }
    },
    addEndpointToProject: (endpointId, projectId) =>
      insertAssociation('project_endpoint', () =>
        db
          .insertInto('project_endpoint')
          .values({ endpoint_id: endpointId, project_id: projectId })
          .execute(),
      ),
    async getEndpointInProject(endpointId, projectId) {
      if ((await projectEndpoint(endpointId, projectId)) === undefined) {
        throw notInProject(endpointId, projectId)
      }
    },
    async removeEndpointFromProject(endpointId, projectId) {
      const result = await db
        .deleteFrom('project_endpoint')
        .where('endpoint_id', '=', endpointId)
        .where('project_id', '=', projectId)
        .executeTakeFirst()
      if (Number(result.numDeletedRows) === 0) throw notInProject(endpointId, projectId)
    },
    async listEndpointIdsForProject(projectId) {
      const rows = await db
        .selectFrom('project_endpoint')
        .select('endpoint_id')
        .where('project_id', '=', projectId)
        .orderBy('endpoint_id')
        .execute()
      return rows.map((r) => r.endpoint_id)
    },
    async listProjectIdsForEndpoint(endpointId) {
      const rows = await db
        .selectFrom('project_endpoint')
        .select('project_id')
        .where('endpoint_id', '=', endpointId)
        .orderBy('project_id')
        .execute()
      return rows.map((r) => r.project_id)
    },
    addEndpointGroupToProject: (groupId, projectId) =>
      insertAssociation('project_endpoint_group', () =>
        db
          .insertInto('project_endpoint_group')
          .values({ endpoint_group_id: groupId, project_id: projectId })
          .execute(),
      ),
    async getEndpointGroupInProject(groupId, projectId) {
      if ((await projectGroup(groupId, projectId)) === undefined) throw groupNotInProject()
    },
    async removeEndpointGroupFromProject(groupId, projectId) {
      const result = await db
        .deleteFrom('project_endpoint_group')
        .where('endpoint_group_id', '=', groupId)
        .where('project_id', '=', projectId)
        .executeTakeFirst()
      if (Number(result.numDeletedRows) === 0) throw groupNotInProject()
    },
    async listEndpointGroupIdsForProject(projectId) {
      const rows = await db
        .selectFrom('project_endpoint_group')
        .select('endpoint_group_id')
        .where('project_id', '=', projectId)
        .orderBy('endpoint_group_id')
        .execute()
      return rows.map((r) => r.endpoint_group_id)
    },
    async listProjectIdsForEndpointGroup(groupId) {
      const rows = await db
        .selectFrom('project_endpoint_group')
        .select('project_id')
        .where('endpoint_group_id', '=', groupId)
        .orderBy('project_id')
        .execute()
      return rows.map((r) => r.project_id)
    },
  }
}
