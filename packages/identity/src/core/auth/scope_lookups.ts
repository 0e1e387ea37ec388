/**
 * keystone/auth/core.py `AuthInfo._lookup_domain` / `_lookup_project`: the domain or project a
 * request asks to scope to. Every miss and every disabled entity is a 401 with the generic
 * message (Keystone logs the reason; the client learns nothing); a project name without a domain
 * is a 400.
 * @module
 */
import { DomainNotFound, expectingToFind, ProjectNotFound, Unauthorized } from '../../errors.ts'
import type { Domain, Project, Store } from '../../store/index.ts'
import { contains, get, text } from '../py_values.ts'

function unauthorized(reason: string): Unauthorized {
  return new Unauthorized(undefined, { cause: new Error(reason) })
}

async function orUnauthorized<T>(lookup: Promise<T>): Promise<T> {
  try {
    return await lookup
  } catch (error) {
    if (error instanceof DomainNotFound || error instanceof ProjectNotFound) {
      throw new Unauthorized(undefined, { cause: error })
    }
    throw error
  }
}

/** `_lookup_domain`: by name when a name is given (truthy), else by ID; must be enabled. */
export async function lookupScopeDomain(store: Store, info: unknown): Promise<Domain> {
  const name = text(get(info, 'name'))
  const id = text(get(info, 'id'))
  let domain: Domain | undefined
  if (name !== undefined) domain = await store.resource.findDomainByName(name)
  else if (id !== undefined) domain = await orUnauthorized(store.resource.getDomain(id))
  if (domain === undefined) throw unauthorized('domain not found')
  if (!domain.enabled) throw unauthorized(`domain ${domain.id} is disabled`)
  return domain
}

/** `_lookup_project`: by name within a domain, or by ID (not a domain); project and domain enabled. */
export async function lookupScopeProject(store: Store, info: unknown): Promise<Project> {
  const name = text(get(info, 'name'))
  let project: Project | undefined
  if (name !== undefined) {
    if (!contains(info, 'domain')) throw expectingToFind('domain', 'project')
    const domain = await lookupScopeDomain(store, get(info, 'domain'))
    project = await store.resource.findProjectByName(name, domain.id)
    if (project === undefined) throw unauthorized('project not found')
  } else {
    const id = text(get(info, 'id'))
    if (id === undefined) throw unauthorized('project not found')
    project = await orUnauthorized(store.resource.getProject(id))
    if (project.isDomain || project.domainId === null) throw unauthorized('project is a domain')
    await lookupScopeDomain(store, { id: project.domainId })
  }
  if (!project.enabled) throw unauthorized(`project ${project.id} is disabled`)
  return project
}
