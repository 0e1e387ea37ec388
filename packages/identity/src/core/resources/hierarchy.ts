/**
 * Project hierarchy walks the store does not offer directly, written the way Keystone's SQL
 * driver walks them (keystone/resource/backends/sql.py): parents up to and including the domain's
 * project form, the subtree level by level, and the resource-option checks
 * (keystone/common/resource_options/options/immutable.py).
 * @module
 */

import { Forbidden } from '../../errors.ts'
import type { JsonObject, Project, Store } from '../../store/index.ts'
import { truthy } from '../py_values.ts'

/** list_project_parents: nearest first, ending with the domain (as a project). */
export async function projectParents(store: Store, projectId: string): Promise<Project[]> {
  let project = await store.resource.getProject(projectId)
  const parents: Project[] = []
  const seen = new Set<string>()
  while (project.parentId !== null && !seen.has(project.id)) {
    seen.add(project.id)
    project = await store.resource.getProject(project.parentId)
    parents.push(project)
  }
  return parents
}

/** list_projects_in_subtree: children, then grandchildren, ... (the project itself excluded). */
export async function projectSubtree(store: Store, projectId: string): Promise<Project[]> {
  const subtree: Project[] = []
  const seen = new Set([projectId])
  let level = [projectId]
  while (level.length > 0) {
    const next: string[] = []
    for (const parentId of level) {
      for (const child of await store.resource.listProjects({ parentId })) {
        if (seen.has(child.id)) return subtree // corrupt cycle: Keystone stops too
        seen.add(child.id)
        subtree.push(child)
        next.push(child.id)
      }
    }
    level = next
  }
  return subtree
}

export async function isLeafProject(store: Store, projectId: string): Promise<boolean> {
  return (await store.resource.listProjects({ parentId: projectId })).length === 0
}

export function isImmutable(options: JsonObject): boolean {
  return truthy(options.immutable)
}

/**
 * check_immutable_update: an immutable resource only takes an update that consists of nothing
 * but `options.immutable` set to false or null.
 */
export function checkImmutableUpdate(
  current: JsonObject,
  patch: Record<string, unknown>,
  type: string,
  id: string,
): void {
  if (!isImmutable(current)) return
  const options = patch.options
  const immutable =
    typeof options === 'object' && options !== null && Object.hasOwn(options, 'immutable')
      ? (options as Record<string, unknown>).immutable
      : undefined
  if (Object.keys(patch).length > 1 || (immutable !== false && immutable !== null)) {
    throw new Forbidden(
      `Unable to update immutable ${type} resource: \`${id}. Set resource option "immutable" ` +
        'to false first.',
    )
  }
}

export function checkImmutableDelete(current: JsonObject, type: string, id: string): void {
  if (!isImmutable(current)) return
  throw new Forbidden(
    `Unable to delete immutable ${type} resource: \`${id}. Set resource option "immutable" ` +
      'to false first.',
  )
}
