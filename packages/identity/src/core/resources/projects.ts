/**
 * Project create and update rules between the API and the store, after keystone/api/projects.py
 * and keystone/resource/core.py: domain and parent defaulting, hierarchy constraints, immutable
 * projects, enable/disable rules, and Keystone's conflict messages.
 * @module
 */

import {
  Conflict,
  DomainNotFound,
  Forbidden,
  ProjectNotFound,
  ValidationError,
} from '../../errors.ts'
import type { JsonObject, Project, Store } from '../../store/index.ts'
import { truthy } from '../py_values.ts'
import { createOptions, extrasOf, mergeOptions, newId, strip } from './entities.ts'
import { checkImmutableUpdate, projectParents, projectSubtree } from './hierarchy.ts'

const PROJECT_ATTRIBUTES = [
  'id',
  'name',
  'domain_id',
  'description',
  'enabled',
  'parent_id',
  'is_domain',
  'tags',
  'options',
]

/** `_generate_project_name_conflict_msg`. */
export function projectConflict(name: string, id: string, isDomain: boolean): Conflict {
  const details = isDomain
    ? `it is not permitted to have two projects acting as domains with the same name: ${name}`
    : 'it is not permitted to have two projects with either the same name or same id in the ' +
      `same domain: name is ${name}, project id ${id}`
  return new Conflict(`Conflict occurred attempting to store project - ${details}.`)
}

/** assert_domain_not_federated: Keystone fails with a 500 (AssertionError); Baton says 400. */
export function assertNotFederated(name: unknown): void {
  if (typeof name === 'string' && name.toLowerCase() === 'federated') {
    throw new ValidationError(`Domain cannot be named ${name}`)
  }
}

async function rethrowConflict<T>(work: () => Promise<T>, conflict: () => Conflict): Promise<T> {
  try {
    return await work()
  } catch (error) {
    if (error instanceof Conflict) throw conflict()
    throw error
  }
}

export type CreateProjectDefaults = {
  /** The caller's domain when its token is domain-scoped. */
  readonly callerDomainId?: string | undefined
  readonly defaultDomainId: string
  /** `[DEFAULT] max_project_tree_depth` */
  readonly maxDepth: number
}

/** POST /v3/projects after schema validation; `body` is already `_normalize_dict`-ed. */
export async function createProject(
  store: Store,
  body: Record<string, unknown>,
  defaults: CreateProjectDefaults,
): Promise<Project> {
  const project = { ...body }
  const isDomain = truthy(project.is_domain)
  if (!isDomain && !truthy(project.domain_id)) {
    project.domain_id = defaults.callerDomainId ?? defaults.defaultDomainId
  }
  if (!truthy(project.parent_id)) project.parent_id = project.domain_id ?? null
  const name = strip(String(project.name))
  const id = newId()
  const common = {
    id,
    name,
    description: Object.hasOwn(project, 'description')
      ? (project.description as string | null)
      : '',
    enabled: project.enabled !== false,
    options: createOptions(project.options),
    extra: extrasOf(project, PROJECT_ATTRIBUTES),
    ...(Array.isArray(project.tags) ? { tags: project.tags as string[] } : {}),
  }
  if (isDomain) {
    if (truthy(project.parent_id)) {
      throw new ValidationError('only root projects are allowed to act as domains.')
    }
    assertNotFederated(name)
    const domain = await rethrowConflict(
      () => store.resource.createDomain(common),
      () => projectConflict(name, id, true),
    )
    return store.resource.getProject(domain.id)
  }
  const domainId = String(project.domain_id)
  const parentId = String(project.parent_id)
  await assertHierarchy(store, domainId, parentId, defaults.maxDepth)
  return rethrowConflict(
    () => store.resource.createProject({ ...common, domainId, parentId }),
    () => projectConflict(name, id, false),
  )
}

/** `_assert_regular_project_constraints` and the enabled-branch and depth checks. */
async function assertHierarchy(
  store: Store,
  domainId: string,
  parentId: string,
  maxDepth: number,
): Promise<void> {
  // keystone/api/projects.py turns these two NotFounds into ValidationError (400)
  const domain = await asValidation(() => store.resource.getDomain(domainId))
  const parent = await asValidation(() => store.resource.getProject(parentId))
  if (parent.isDomain && parent.id !== domain.id) {
    throw new ValidationError(
      `Cannot create project, the parent (${parent.id}) is acting as a domain, but this ` +
        `project's domain id (${domain.id}) does not match the parent's id.`,
    )
  }
  if (!parent.isDomain && parent.domainId !== domain.id) {
    throw new ValidationError(
      `Cannot create project, since it specifies its domain_id ${domain.id}, but specifies a ` +
        `parent in a different domain (${String(parent.domainId)}).`,
    )
  }
  const branch = [...(await projectParents(store, parent.id)), parent]
  const disabled = branch.find((p) => !p.enabled)
  if (disabled) {
    throw new ValidationError(
      `cannot create a project in a branch containing a disabled project: ${disabled.id}`,
    )
  }
  // `_assert_max_hierarchy_depth`: the domain counts, hence the + 1 on both sides
  if (branch.length + 1 > maxDepth + 1) {
    throw new Forbidden(`Max hierarchy depth reached for ${parent.id} branch.`)
  }
}

async function asValidation<T>(lookup: () => Promise<T>): Promise<T> {
  try {
    return await lookup()
  } catch (error) {
    if (error instanceof DomainNotFound || error instanceof ProjectNotFound) {
      throw new ValidationError(error.message, { cause: error })
    }
    throw error
  }
}

export type UpdatedProject = { readonly project: Project; readonly extra: JsonObject }

/**
 * `_update_project` for PATCH /v3/projects/{id}, the tag routes and PATCH /v3/domains/{id}
 * (whose patch arrives in project form). `patch` is the normalized request body.
 */
export async function updateProject(
  store: Store,
  id: string,
  patch: Record<string, unknown>,
): Promise<UpdatedProject> {
  const original = await store.resource.getProject(id)
  if (Object.hasOwn(patch, 'domain_id') && patch.domain_id !== original.domainId) {
    throw new ValidationError('Cannot change Domain ID')
  }
  const type = original.isDomain ? 'domain' : 'project'
  checkImmutableUpdate(original.options, patch, type, id)
  if (original.isDomain) assertNotFederated(patch.name ?? original.name)
  const name = typeof patch.name === 'string' ? strip(patch.name) : original.name
  if (Object.hasOwn(patch, 'parent_id') && patch.parent_id !== original.parentId) {
    throw new Forbidden('Update of `parent_id` is not allowed.')
  }
  if (Object.hasOwn(patch, 'is_domain') && patch.is_domain !== original.isDomain) {
    throw new ValidationError('Update of `is_domain` is not allowed.')
  }
  await checkEnabledChange(store, original, patch.enabled !== false)
  const extra = { ...original.extra, ...extrasOf(patch, PROJECT_ATTRIBUTES) }
  const project = await rethrowConflict(
    () =>
      store.resource.updateProject(id, {
        name,
        ...(Object.hasOwn(patch, 'description')
          ? { description: patch.description as string | null }
          : {}),
        ...(typeof patch.enabled === 'boolean' ? { enabled: patch.enabled } : {}),
        options: mergeOptions(original.options, patch.options),
        extra,
        ...(Array.isArray(patch.tags) ? { tags: patch.tags as string[] } : {}),
      }),
    // Keystone formats this message from the patch, which has no id: a KeyError (500) there
    () => projectConflict(name, id, original.isDomain),
  )
  return { project, extra }
}

/** Enabling needs enabled parents; disabling a project needs a disabled subtree. */
async function checkEnabledChange(store: Store, original: Project, enabled: boolean) {
  if (!original.enabled && enabled) {
    // Keystone reads a missing `enabled` as true here, so any update of a disabled project
    // below a disabled parent is refused.
    const parents = await projectParents(store, original.id)
    if (parents.some((p) => !p.enabled)) {
      throw new Forbidden(`Cannot enable project ${original.id} since it has disabled parents`)
    }
  }
  if (original.enabled && !enabled && !original.isDomain) {
    const subtree = await projectSubtree(store, original.id)
    if (subtree.some((p) => p.enabled)) {
      throw new Forbidden(
        `Cannot disable project ${original.id} since its subtree contains enabled projects.`,
      )
    }
  }
}
