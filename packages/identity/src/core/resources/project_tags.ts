/**
 * Project tags (ResourceManager create/get/list/update/delete_project_tag(s)): every change goes
 * through the project update rules, and an immutable project refuses tag changes with Keystone's
 * own messages.
 * @module
 */
import { Forbidden, NotFound } from '../../errors.ts'
import type { Store } from '../../store/index.ts'
import { strip } from './entities.ts'
import { isImmutable } from './hierarchy.ts'
import { updateProject } from './projects.ts'

function refuseImmutable(verb: string, projectId: string): never {
  throw new Forbidden(
    `Cannot ${verb} project tags for ${projectId}, project is immutable. Set "immutable" option ` +
      'to false before creating project tags.',
  )
}

export async function listProjectTags(store: Store, projectId: string): Promise<string[]> {
  return [...(await store.resource.getProject(projectId)).tags]
}

/** PUT /v3/projects/{id}/tags (and DELETE, with an empty list). Returns the stripped list. */
export async function replaceProjectTags(
  store: Store,
  projectId: string,
  tags: readonly string[],
): Promise<string[]> {
  const project = await store.resource.getProject(projectId)
  if (isImmutable(project.options)) refuseImmutable('update', projectId)
  const list = tags.map(strip)
  await updateProject(store, projectId, { tags: list })
  return list
}

export async function addProjectTag(store: Store, projectId: string, tag: string): Promise<void> {
  const project = await store.resource.getProject(projectId)
  if (isImmutable(project.options)) refuseImmutable('create', projectId)
  await updateProject(store, projectId, { tags: [...project.tags, strip(tag)] })
}

/** keystone exception.ProjectTagNotFound */
function tagNotFound(tag: string): NotFound {
  return new NotFound(`Could not find project tag: ${tag}.`)
}

export async function checkProjectTag(store: Store, projectId: string, tag: string): Promise<void> {
  const project = await store.resource.getProject(projectId)
  if (!project.tags.includes(tag)) throw tagNotFound(tag)
}

export async function removeProjectTag(
  store: Store,
  projectId: string,
  tag: string,
): Promise<void> {
  const project = await store.resource.getProject(projectId)
  if (isImmutable(project.options)) refuseImmutable('delete', projectId)
  if (!project.tags.includes(tag)) throw tagNotFound(tag)
  await updateProject(store, projectId, { tags: project.tags.filter((t) => t !== tag) })
}
