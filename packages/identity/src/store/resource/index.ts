/**
 * The SQL implementation of `ResourceRepository`.
 * @module
 */
import type { StoreContext } from '../context.ts'
import * as domains from './domains.ts'
import * as projects from './projects.ts'
import * as tags from './tags.ts'
import type { ResourceRepository } from './types.ts'

export type * from './types.ts'

export function createResourceRepository(ctx: StoreContext): ResourceRepository {
  return {
    createDomain: (input) => domains.createDomain(ctx, input),
    getDomain: (id) => domains.getDomain(ctx, id),
    findDomainByName: (name) => domains.findDomainByName(ctx, name),
    listDomains: (filter) => domains.listDomains(ctx, filter),
    updateDomain: (id, patch) => domains.updateDomain(ctx, id, patch),
    deleteDomain: (id) => domains.deleteDomain(ctx, id),
    createProject: (input) => projects.createProject(ctx, input),
    getProject: (id) => projects.getProject(ctx, id),
    findProjectByName: (name, domainId) => projects.findProjectByName(ctx, name, domainId),
    listProjects: (filter) => projects.listProjects(ctx, filter),
    listProjectAncestorIds: (id) => projects.listProjectAncestorIds(ctx, id),
    updateProject: (id, patch) => projects.updateProject(ctx, id, patch),
    deleteProject: (id) => projects.deleteProject(ctx, id),
    listTags: (projectId) => tags.listTags(ctx, projectId),
    setTags: (projectId, list) => tags.setTags(ctx, projectId, list),
    addTag: (projectId, tag) => tags.addTag(ctx, projectId, tag),
    hasTag: (projectId, tag) => tags.hasTag(ctx, projectId, tag),
    removeTag: (projectId, tag) => tags.removeTag(ctx, projectId, tag),
  }
}
