/**
 * The resource area's entities and its repository interface: domains, projects and project tags.
 * Domains are stored as `is_domain` projects, so a domain ID is also a project ID.
 * @module
 */
import type { JsonObject } from '../codecs.ts'
import type { TextFilter } from '../text_filter.ts'

export interface Domain {
  readonly id: string
  readonly name: string
  readonly description: string | null
  readonly enabled: boolean
  readonly options: JsonObject
  /** Attributes Keystone does not model, echoed back by the API. */
  readonly extra: JsonObject
  readonly tags: readonly string[]
}

export interface Project {
  readonly id: string
  readonly name: string
  /** null only for the project form of a domain (`isDomain`), as Keystone renders it. */
  readonly domainId: string | null
  readonly parentId: string | null
  readonly description: string | null
  readonly enabled: boolean
  readonly isDomain: boolean
  readonly options: JsonObject
  readonly extra: JsonObject
  readonly tags: readonly string[]
}

export interface NewDomain {
  /** Caller-chosen ID (bootstrap's `default`, `explicit_domain_id`); generated when absent. */
  readonly id?: string
  readonly name: string
  readonly description?: string | null
  readonly enabled?: boolean
  readonly options?: JsonObject
  readonly extra?: JsonObject
  readonly tags?: readonly string[]
}

export interface NewProject extends NewDomain {
  readonly domainId: string
  /** Defaults to the domain (a top-level project), as in Keystone. */
  readonly parentId?: string | null
}

/** Absent fields stay as they are; `extra` and `tags` replace the stored value wholesale. */
export interface DomainPatch {
  readonly name?: string
  readonly description?: string | null
  readonly enabled?: boolean
  readonly options?: JsonObject
  readonly extra?: JsonObject
  readonly tags?: readonly string[]
}

export type ProjectPatch = DomainPatch

export interface DomainFilter {
  readonly name?: TextFilter
  readonly enabled?: boolean
}

export interface ProjectFilter {
  readonly name?: TextFilter
  readonly domainId?: string
  readonly parentId?: string
  readonly enabled?: boolean
  /** Unset lists both; Keystone's API defaults it to false before calling. */
  readonly isDomain?: boolean
  /** Keystone's `tags` (all of), `tags-any`, `not-tags` (not all of), `not-tags-any`. */
  readonly tags?: readonly string[]
  readonly tagsAny?: readonly string[]
  readonly notTags?: readonly string[]
  readonly notTagsAny?: readonly string[]
}

export interface ResourceRepository {
  createDomain(input: NewDomain): Promise<Domain>
  /** @throws DomainNotFound */
  getDomain(id: string): Promise<Domain>
  findDomainByName(name: string): Promise<Domain | undefined>
  listDomains(filter?: DomainFilter): Promise<Domain[]>
  updateDomain(id: string, patch: DomainPatch): Promise<Domain>
  /**
   * Deletes the domain with its projects, users, groups, domain roles and every assignment on or
   * of them. Refusing an enabled domain (403) is the caller's policy, not the store's.
   */
  deleteDomain(id: string): Promise<void>

  /** @throws DomainNotFound / ProjectNotFound for a missing domain or parent (the API says 400) */
  createProject(input: NewProject): Promise<Project>
  /** Also finds domains in their project form. @throws ProjectNotFound */
  getProject(id: string): Promise<Project>
  findProjectByName(name: string, domainId: string): Promise<Project | undefined>
  listProjects(filter?: ProjectFilter): Promise<Project[]>
  /** IDs from the parent up to the top-level project (excluding the domain). */
  listProjectAncestorIds(id: string): Promise<string[]>
  updateProject(id: string, patch: ProjectPatch): Promise<Project>
  /** @throws Forbidden when the project has children (Keystone refuses non-leaf deletes) */
  deleteProject(id: string): Promise<void>

  listTags(projectId: string): Promise<string[]>
  /** Replaces all tags; duplicates collapse. */
  setTags(projectId: string, tags: readonly string[]): Promise<string[]>
  /** Idempotent. */
  addTag(projectId: string, tag: string): Promise<void>
  hasTag(projectId: string, tag: string): Promise<boolean>
  /** @throws NotFound when the project does not carry the tag */
  removeTag(projectId: string, tag: string): Promise<void>
}
